package org.fsqspark.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fsqspark.error.BadInputException;

/**
 * The augmentation variants tokenize writes for every image ({@code --variants}): {@code none} (one row, no
 * {@code variant} column, the table as before), {@code flip} (the image and its horizontal mirror) or
 * {@code tencrop:SCALE} (LlamaGen's ten crops: the image brought to {@code round(SCALE * input size)}, then its
 * four corner crops and centre crop of the input size, each also mirrored).
 *
 * @param kind which set of variants
 * @param scale the crop scale of {@code tencrop} (1 for the others)
 */
public record Variants(Kind kind, double scale) implements java.io.Serializable {
  /** The {@code variant} value of a row of a table without the column: the image as it is. */
  public static final String ORIGINAL = "original";
  /** Largest {@code tencrop} scale: beyond it the crops would be small parts of the image, not augmentations. */
  public static final double MAX_SCALE = 4.0;
  /** The scale LlamaGen's extract_codes uses ({@code --crop-range 1.1}). */
  public static final double DEFAULT_SCALE = 1.1;
  public static final Variants NONE = new Variants(Kind.NONE, 1);

  /** Which variants an image gets. */
  public enum Kind { NONE, FLIP, TENCROP }

  /** The five crops of {@code tencrop}, in torchvision's {@code five_crop} order. */
  public enum Crop {
    TOP_LEFT("top-left"), TOP_RIGHT("top-right"), BOTTOM_LEFT("bottom-left"), BOTTOM_RIGHT("bottom-right"),
    CENTRE("centre");

    private final String label;

    Crop(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Suffix of a mirrored variant's name. */
  public static final String FLIP_SUFFIX = "-flip";

  public Variants {
    if (kind == null) {
      throw new IllegalArgumentException("Variants need a kind");
    }
    if (kind == Kind.TENCROP && !(scale >= 1 && scale <= MAX_SCALE)) {
      throw new BadInputException("--variants tencrop:" + plain(scale) + ": the scale must be between 1 and "
          + plain(MAX_SCALE) + " (the crop square is SCALE times the model's input size; LlamaGen uses 1.1)");
    }
    if (kind != Kind.TENCROP) {
      scale = 1;
    }
  }

  /** Parses {@code none}, {@code flip}, {@code tencrop} or {@code tencrop:SCALE}. */
  public static Variants parse(String text) {
    String value = String.valueOf(text).trim().toLowerCase(Locale.ROOT);
    if (value.equals("none")) {
      return NONE;
    }
    if (value.equals("flip")) {
      return new Variants(Kind.FLIP, 1);
    }
    if (value.equals("tencrop")) {
      return new Variants(Kind.TENCROP, DEFAULT_SCALE);
    }
    if (value.startsWith("tencrop:")) {
      String number = value.substring("tencrop:".length());
      double scale;
      try {
        scale = Double.parseDouble(number);
      } catch (NumberFormatException e) {
        throw new BadInputException("--variants " + text + ": '" + number + "' is not a number; write e.g."
            + " tencrop:1.1");
      }
      return new Variants(Kind.TENCROP, scale);
    }
    throw new BadInputException("--variants " + text + " is not one of none, flip, tencrop[:SCALE] (e.g. tencrop:1.1)");
  }

  public boolean isNone() {
    return kind == Kind.NONE;
  }

  /** Rows per image. */
  public int count() {
    return names().size();
  }

  /**
   * The variants' names, in the order tokenize writes an image's rows: {@code original} for {@code none};
   * {@code original, flip}; or the five crops ({@code top-left, top-right, bottom-left, bottom-right, centre})
   * followed by their mirrors ({@code top-left-flip}, ...: the crop, mirrored).
   */
  public List<String> names() {
    return switch (kind) {
      case NONE -> List.of(ORIGINAL);
      case FLIP -> List.of(ORIGINAL, "flip");
      case TENCROP -> {
        List<String> names = new ArrayList<>();
        for (Crop crop : Crop.values()) {
          names.add(crop.label());
        }
        for (Crop crop : Crop.values()) {
          names.add(crop.label() + FLIP_SUFFIX);
        }
        yield List.copyOf(names);
      }
    };
  }

  /** The option's text that makes these variants: {@code none}, {@code flip} or {@code tencrop:SCALE}. */
  public String spec() {
    return kind == Kind.TENCROP ? "tencrop:" + format(scale) : kind.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The side of {@code tencrop}'s square for a model input side: {@code round(scale * side)}, half up (1.1 x 28 =
   * 30.8 -> 31; LlamaGen's {@code int()} would truncate to 30).
   */
  public int cropSide(int side) {
    return (int) Math.round(scale * side);
  }

  /** JSON of the variants, as {@code _run.json}, {@code _job.json} and the footers record them. */
  public String toJson() {
    StringBuilder json = new StringBuilder("{\"spec\": \"").append(spec()).append("\", \"names\": [");
    List<String> names = names();
    for (int i = 0; i < names.size(); i++) {
      json.append(i == 0 ? "" : ", ").append('"').append(names.get(i)).append('"');
    }
    return json.append("]}").toString();
  }

  /** The variants of {@link #toJson}, by their {@code spec}. */
  public static Variants fromJson(String json) {
    try {
      return parse(com.google.gson.JsonParser.parseString(json).getAsJsonObject().get("spec").getAsString());
    } catch (RuntimeException e) {
      throw new org.fsqspark.error.BadDataException("Broken variants record '" + json + "': " + e.getMessage());
    }
  }

  /** Position of {@code name} among {@link #names()}, or -1. */
  public int indexOf(String name) {
    return names().indexOf(name);
  }

  /** A number as a person types it: 9, not 9.0. */
  private static String plain(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e6 ? String.format(Locale.ROOT, "%.1f", value)
        : String.valueOf(value);
  }
}

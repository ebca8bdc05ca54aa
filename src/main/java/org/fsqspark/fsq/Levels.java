package org.fsqspark.fsq;

import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.fsqspark.error.BadDataException;
import org.fsqspark.error.BadInputException;

/**
 * The number of quantization levels per latent channel, and the mixed-radix token index they define.
 *
 * <p>Channel 0 is the least significant digit: {@code index = sum_i digit_i * basis_i} with
 * {@code basis = [1, L0, L0*L1, ...]}, as in the FSQ paper, lucidrains' implementation and NVIDIA Cosmos.
 * The codebook is implicit; nothing here allocates it.
 */
public final class Levels implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The paper's heuristic: fewer levels than this per channel tends to hurt reconstruction. */
  public static final int RECOMMENDED_MIN_LEVEL = 5;

  private final int[] levels;
  private final int[] basis;
  private final int codebookSize;

  private Levels(int[] levels) {
    if (levels.length == 0) {
      throw new BadInputException("Levels must name at least one channel, e.g. 8,5,5,5");
    }
    this.levels = levels.clone();
    this.basis = new int[levels.length];
    long product = 1;
    for (int i = 0; i < levels.length; i++) {
      if (levels[i] < 2) {
        throw new BadInputException(
            "Invalid level " + levels[i] + " for channel " + i + " in " + Arrays.toString(levels)
                + ": every channel needs at least 2 levels");
      }
      basis[i] = (int) product;
      product *= levels[i];
      if (product > Integer.MAX_VALUE) {
        throw new BadInputException(
            "Codebook of " + Arrays.toString(levels) + " has more than " + Integer.MAX_VALUE
                + " codes: token indices must fit in int32; use fewer channels or levels");
      }
    }
    this.codebookSize = (int) product;
  }

  /** Levels from explicit per-channel counts. */
  public static Levels of(int... levels) {
    if (levels == null) {
      throw new BadInputException("Levels are null");
    }
    return new Levels(levels);
  }

  /** Parses a comma-separated list such as {@code "8,5,5,5"} (spaces and brackets are ignored). */
  public static Levels parse(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("Levels are empty: give them as a comma-separated list, e.g. 8,5,5,5");
    }
    String[] parts = text.replace("[", "").replace("]", "").trim().split("\\s*,\\s*");
    int[] values = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        values[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new BadInputException(
            "Cannot parse levels '" + text + "': '" + parts[i] + "' is not an integer; expected e.g. 8,5,5,5");
      }
    }
    return new Levels(values);
  }

  /** Number of latent channels d. */
  public int channels() {
    return levels.length;
  }

  /** Number of levels of one channel. */
  public int get(int channel) {
    return levels[channel];
  }

  /** The per-channel level counts (a copy). */
  public int[] toArray() {
    return levels.clone();
  }

  /** Place value of one channel's digit in the token index. */
  public int basis(int channel) {
    return basis[channel];
  }

  /** |C| = prod(L_i), the number of distinct tokens. */
  public int codebookSize() {
    return codebookSize;
  }

  /** Token index of per-channel digits, each in {@code 0..L_i-1}. */
  public int indexOf(int[] digits) {
    if (digits.length != levels.length) {
      throw new IllegalArgumentException(
          "Expected " + levels.length + " digits for levels " + this + " but got " + digits.length);
    }
    int index = 0;
    for (int i = 0; i < levels.length; i++) {
      if (digits[i] < 0 || digits[i] >= levels[i]) {
        throw new IllegalArgumentException(
            "Digit " + digits[i] + " of channel " + i + " is outside 0.." + (levels[i] - 1) + " for levels " + this);
      }
      index += digits[i] * basis[i];
    }
    return index;
  }

  /** Per-channel digits of a token index, written into {@code digits} (length d). */
  public void digitsOf(int index, int[] digits) {
    checkIndex(index);
    int rest = index;
    for (int i = 0; i < levels.length; i++) {
      digits[i] = rest % levels[i];
      rest /= levels[i];
    }
  }

  /** One channel's digit of a token index. */
  public int digitOf(int index, int channel) {
    return (index / basis[channel]) % levels[channel];
  }

  /** Throws unless {@code 0 <= index < |C|}. */
  public void checkIndex(int index) {
    if (index < 0 || index >= codebookSize) {
      throw new BadDataException(
          "Token index " + index + " is outside 0.." + (codebookSize - 1) + " for levels " + this);
    }
  }

  /** Human-readable warnings about choices the paper advises against (empty when there are none). */
  public List<String> warnings() {
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < levels.length; i++) {
      if (levels[i] < RECOMMENDED_MIN_LEVEL) {
        warnings.add("channel " + i + " has " + levels[i] + " levels; the FSQ paper recommends at least "
            + RECOMMENDED_MIN_LEVEL + " per channel");
      }
    }
    return warnings;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Levels that && Arrays.equals(levels, that.levels);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(levels);
  }

  /** The levels as {@code 8,5,5,5}, the same form {@link #parse} reads. */
  @Override
  public String toString() {
    return Arrays.stream(levels).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }
}

package org.fsqspark.io.export;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * The {@code huggingface} key of a Parquet footer: the dataset's features as Hugging Face {@code datasets}
 * writes and reads them ({@code {"info": {"features": ...}}}), so {@code load_dataset} types {@code tokens}
 * as {@code Sequence(Value("int32"))} and the label as a {@code ClassLabel} instead of guessing from Arrow.
 */
public final class HuggingFaceFeatures {
  /** The footer key {@code datasets} looks for. */
  public static final String KEY = "huggingface";

  private HuggingFaceFeatures() {}

  /** The features JSON of an export's Parquet files; {@code labelColumn} may be null. */
  public static String of(String labelColumn, int classes) {
    return of(labelColumn, classes, false);
  }

  /** The features JSON with the {@code variant} string column when {@code variants} (in the files' column order). */
  public static String of(String labelColumn, int classes, boolean variants) {
    JsonObject features = new JsonObject();
    features.add("id", value("string"));
    JsonObject tokens = new JsonObject();
    tokens.add("feature", value("int32"));
    tokens.addProperty("_type", "Sequence");
    features.add("tokens", tokens);
    for (String column : new String[] {"grid_h", "grid_w", "height", "width"}) {
      features.add(column, value("int32"));
    }
    if (variants) {
      features.add("variant", value("string"));
    }
    if (labelColumn != null) {
      JsonObject label = new JsonObject();
      JsonArray names = new JsonArray();
      for (int i = 0; i < classes; i++) {
        names.add(String.valueOf(i));
      }
      label.add("names", names);
      label.addProperty("_type", "ClassLabel");
      features.add(labelColumn, label);
    }
    JsonObject info = new JsonObject();
    info.add("features", features);
    JsonObject root = new JsonObject();
    root.add("info", info);
    return root.toString();
  }

  private static JsonObject value(String dtype) {
    JsonObject value = new JsonObject();
    value.addProperty("dtype", dtype);
    value.addProperty("_type", "Value");
    return value;
  }
}

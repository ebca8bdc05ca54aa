package org.fsqspark.io;

import java.util.Locale;
import org.fsqspark.error.BadInputException;

/** How images are stored in the input. */
public enum InputFormat {
  /** Image files (PNG, JPEG, WebP, ...) in a folder tree; one record per file, id = relative path. */
  FOLDER,
  /** Parquet files with an image column (Hugging Face style {@code struct<bytes, path>} or plain binary). */
  PARQUET,
  /** WebDataset tar shards: entries grouped by key (basename), an image plus .cls/.txt/.json passthrough. */
  WDS;

  public static InputFormat parse(String name) {
    for (InputFormat format : values()) {
      if (format.cliName().equals(String.valueOf(name).toLowerCase(Locale.ROOT))) {
        return format;
      }
    }
    throw new BadInputException("Unknown --format '" + name + "': expected folder, parquet, wds or auto");
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package org.fsqspark.io.export;

import java.util.Arrays;
import java.util.Locale;
import org.fsqspark.error.BadInputException;

/** What {@code fsq export} writes for each split. */
public enum ExportFormat {
  /** Parquet files with the token table's columns, read by Hugging Face datasets, DuckDB, pyarrow, Spark. */
  PARQUET("parquet"),
  /** Flat little-endian token files with a NumPy index and a JSON header, read with {@code numpy.memmap}. */
  BIN("bin");

  private final String cliName;

  ExportFormat(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  /** The format named on the command line ({@code parquet} or {@code bin}). */
  public static ExportFormat of(String name) {
    for (ExportFormat format : values()) {
      if (format.cliName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return format;
      }
    }
    throw new BadInputException("Unknown export --format '" + name + "'; use one of "
        + Arrays.stream(values()).map(ExportFormat::cliName).toList());
  }
}

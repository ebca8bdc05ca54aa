package org.fsqspark.pipeline;

import org.fsqspark.io.export.ExportSettings;
import org.fsqspark.error.BadInputException;

/**
 * An export run.
 *
 * @param input a token table written by tokenize (or a Parquet export of one)
 * @param output the export's folder
 * @param settings format, seed, split share, file size, label and prefix
 * @param overwrite replace an earlier export in {@code output} (only the files export writes)
 */
public record ExportConfig(String input, String output, ExportSettings settings, boolean overwrite) {
  public ExportConfig {
    if (input == null || input.isBlank()) {
      throw new BadInputException("--input is required: a token table written by fsq tokenize");
    }
    if (output == null || output.isBlank()) {
      throw new BadInputException("--output is required: the folder the export is written to");
    }
    if (settings == null) {
      throw new IllegalArgumentException("An export needs its settings");
    }
  }
}

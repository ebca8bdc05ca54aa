package org.fsqspark.io.export;

import java.io.Serializable;
import org.fsqspark.error.BadInputException;

/**
 * What an export is asked to do, checked when made; the same settings over the same table always give the
 * same files, which is what lets a killed export resume.
 *
 * @param format what each split is written as
 * @param seed the shuffle's seed; the split does not depend on it
 * @param validationShare share of ids in the validation split, in (0, 1)
 * @param rowsPerFile the most rows one file holds
 * @param labelColumn the integer class column, or null for none
 * @param prefixLabel whether {@code bin} rows start with the class token {@code |C| + label}
 */
public record ExportSettings(ExportFormat format, long seed, double validationShare, int rowsPerFile,
    String labelColumn, boolean prefixLabel) implements Serializable {
  private static final long serialVersionUID = 1L;

  public ExportSettings {
    if (format == null) {
      throw new BadInputException("An export needs a --format (parquet or bin)");
    }
    if (!(validationShare > 0 && validationShare < 1)) {
      throw new BadInputException("--validation must be a share strictly between 0 and 1 (e.g. 0.01), got "
          + validationShare);
    }
    if (rowsPerFile < 1) {
      throw new BadInputException("--rows-per-file must be at least 1, got " + rowsPerFile);
    }
    if (prefixLabel && labelColumn == null) {
      throw new BadInputException("--prefix label needs a label column; the table has none (name it with"
          + " --label COLUMN)");
    }
    if (prefixLabel && format != ExportFormat.BIN) {
      throw new BadInputException("--prefix label applies to --format bin only; the Parquet export keeps the"
          + " label as its own column");
    }
  }

  /** The id split these settings use: the library's one hash split ({@link org.fsqspark.io.IdSplit}). */
  public org.fsqspark.io.IdSplit idSplit() {
    return new org.fsqspark.io.IdSplit(validationShare);
  }
}

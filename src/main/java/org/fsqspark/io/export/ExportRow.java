package org.fsqspark.io.export;

import java.io.Serializable;
import org.fsqspark.io.TokenRow;

/**
 * One row on its way into an export: the token row's fields, its class label (null when the table has no
 * label column or the row none), the part file it came from, why it cannot be exported (null when it can), and its
 * augmentation variant (null in a table without a variant column).
 */
public record ExportRow(String id, int[] tokens, int gridHeight, int gridWidth, int height, int width, Long label,
    String source, String problem, String variant) implements Serializable {
  private static final long serialVersionUID = 1L;

  public ExportRow {
    if (id == null) {
      throw new IllegalArgumentException("An export row needs an id");
    }
  }

  /**
   * The row of a token table row, checked against the table's tokenizer: {@code passthrough} holds height,
   * width and (when {@code rules} has a label column) the label, as {@link org.fsqspark.io.TokenTableReader}
   * returns them.
   */
  public static ExportRow of(TokenRow row, String source, RowRules rules) {
    Object[] values = row.passthrough();
    int height = values.length > 0 && values[0] instanceof Number number ? number.intValue() : -1;
    int width = values.length > 1 && values[1] instanceof Number number ? number.intValue() : -1;
    Long label = values.length > 2 && values[2] instanceof Number number ? number.longValue() : null;
    return new ExportRow(row.id(), row.tokens(), row.gridHeight(), row.gridWidth(), height, width, label, source,
        rules.problem(row, label), null);
  }

  /** This row as the row of {@code newVariant}; a row without one gets a problem, as it cannot be placed. */
  public ExportRow withVariant(String newVariant) {
    String why = problem != null || newVariant != null ? problem : "the variant is null in a table with variants";
    return new ExportRow(id, tokens, gridHeight, gridWidth, height, width, label, source, why, newVariant);
  }

  /** A row that could not even be read (the reader's message as the problem). */
  public static ExportRow unreadable(String id, String source, String problem) {
    return new ExportRow(id == null ? "" : id, new int[0], 0, 0, -1, -1, null, source, problem, null);
  }

  /** The row's place in the export: its split, then its shuffle key under {@code seed}. */
  public ExportKey key(org.fsqspark.io.IdSplit idSplit, long seed) {
    return ExportKey.of(split(idSplit), seed, id, variant);
  }

  /** Where the row goes: rejects when it has a problem, else validation or train by its id's hash. */
  public Split split(org.fsqspark.io.IdSplit idSplit) {
    if (problem != null) {
      return Split.REJECTS;
    }
    return idSplit.isValidation(id) ? Split.VALIDATION : Split.TRAIN;
  }
}

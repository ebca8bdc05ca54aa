package org.fsqspark.io.export;

import java.io.Serializable;
import org.fsqspark.io.TokenRow;

/**
 * What a row must satisfy to be exported: the tokenizer's grid, tokens in {@code [0, |C|)}, and a
 * non-negative label when the label becomes a class token. Rows that fail go to the rejects with the reason.
 */
public record RowRules(int codebookSize, int gridHeight, int gridWidth, boolean labelRequired)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public RowRules {
    if (codebookSize < 1 || gridHeight < 1 || gridWidth < 1) {
      throw new IllegalArgumentException("Row rules need a codebook and a grid, got |C| = " + codebookSize + ", grid "
          + gridHeight + "x" + gridWidth);
    }
  }

  /** Why the row cannot be exported, or null when it can. */
  public String problem(TokenRow row, Long label) {
    int[] tokens = row.tokens();
    if (row.gridHeight() != gridHeight || row.gridWidth() != gridWidth) {
      return "a " + row.gridHeight() + "x" + row.gridWidth() + " grid, but the tokenizer's is " + gridHeight + "x"
          + gridWidth;
    }
    if (tokens.length != gridHeight * gridWidth) {
      return tokens.length + " tokens for a " + gridHeight + "x" + gridWidth + " grid";
    }
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= codebookSize) {
        return "token " + i + " is " + tokens[i] + ", outside the codebook 0.." + (codebookSize - 1);
      }
    }
    if (labelRequired && (label == null || label < 0)) {
      return "label is " + label + "; --prefix label needs a class index of 0 or more";
    }
    return null;
  }
}

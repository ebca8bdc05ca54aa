package org.fsqspark.io;

import org.fsqspark.error.BadDataException;

/**
 * One row of a token table as a training job reads it.
 *
 * @param tokens the grid's token indices, row-major; not range-checked here (see {@link TokenTableReader})
 * @param passthrough the requested passthrough columns' values in the order they were asked for (null where
 *     the row has none): Integer, Long, Float, Double, Boolean, String or byte[]
 */
public record TokenRow(String id, int[] tokens, int gridHeight, int gridWidth, Object[] passthrough) {
  public TokenRow {
    if (id == null) {
      throw new BadDataException("A token row has no id");
    }
    if (tokens == null) {
      throw new BadDataException("Token row " + id + " has no tokens");
    }
  }

  /** Whether the token count matches the grid shape. */
  public boolean consistent() {
    return (long) gridHeight * gridWidth == tokens.length && gridHeight > 0 && gridWidth > 0;
  }
}

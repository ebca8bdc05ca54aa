package org.fsqspark.stats;

import java.util.List;
import org.fsqspark.error.BadDataException;

/** The tokens of one image, row-major over a {@code height x width} grid. */
public record TokenGrid(int[] tokens, int height, int width) {
  public TokenGrid {
    if (height <= 0 || width <= 0) {
      throw new BadDataException("grid_h x grid_w is " + height + "x" + width + ", which is not a grid: both"
          + " must be positive");
    }
    if (tokens.length != (long) height * width) {
      throw new BadDataException(tokens.length + " tokens for a " + height + "x" + width + " grid, which"
          + " needs " + (long) height * width);
    }
  }

  /**
   * The grid of a token table row; nulls and a token count that disagrees with the grid shape mean a damaged
   * table, and are refused rather than guessed at.
   */
  public static TokenGrid checked(List<Integer> list, Integer height, Integer width) {
    if (list == null || height == null || width == null) {
      throw new BadDataException("A token row has null tokens or grid shape; the table is damaged");
    }
    int[] tokens = new int[list.size()];
    for (int i = 0; i < tokens.length; i++) {
      Integer token = list.get(i);
      if (token == null) {
        throw new BadDataException("A token row holds a null token; the table is damaged");
      }
      tokens[i] = token;
    }
    if ((long) height * width != tokens.length) {
      throw new BadDataException("A token row has " + tokens.length + " tokens for a " + height + "x" + width
          + " grid; the table is damaged or not a token table");
    }
    return new TokenGrid(tokens, height, width);
  }
}

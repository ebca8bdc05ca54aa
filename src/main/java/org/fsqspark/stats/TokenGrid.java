package org.fsqspark.stats;

/** The tokens of one image, row-major over a {@code height x width} grid. */
public record TokenGrid(int[] tokens, int height, int width) {
  public TokenGrid {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("grid_h x grid_w is " + height + "x" + width + ", which is not a grid: both"
          + " must be positive");
    }
    if (tokens.length != (long) height * width) {
      throw new IllegalArgumentException(tokens.length + " tokens for a " + height + "x" + width + " grid, which"
          + " needs " + (long) height * width);
    }
  }
}

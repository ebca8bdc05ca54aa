package org.fsqspark.stats;

/** The tokens of one image, row-major over a {@code height x width} grid. */
public record TokenGrid(int[] tokens, int height, int width) {
  public TokenGrid {
    if (height <= 0 || width <= 0 || tokens.length != height * width) {
      throw new IllegalArgumentException("A " + height + "x" + width + " grid needs " + (long) height * width
          + " tokens, got " + tokens.length);
    }
  }
}

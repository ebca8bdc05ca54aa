package org.fsqspark.model;

/** Token indices of a batch, row-major per image: image {@code i} owns {@code tokens[i*h*w .. (i+1)*h*w)}. */
public record TokenBatch(int[] tokens, int count, int gridHeight, int gridWidth) {
  /** The tokens of one image (a copy). */
  public int[] image(int i) {
    int size = gridHeight * gridWidth;
    return java.util.Arrays.copyOfRange(tokens, i * size, (i + 1) * size);
  }
}

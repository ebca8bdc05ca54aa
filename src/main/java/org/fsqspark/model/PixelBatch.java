package org.fsqspark.model;

/** A batch of preprocessed images as one NCHW float buffer; only the first {@code count} images are used. */
public record PixelBatch(float[] pixels, int count, int channels, int height, int width) {
  public PixelBatch {
    if (count <= 0) {
      throw new IllegalArgumentException("A batch needs at least one image, got " + count);
    }
    long needed = (long) count * channels * height * width;
    if (pixels.length < needed) {
      throw new IllegalArgumentException("Batch of " + count + " x " + channels + "x" + height + "x" + width
          + " needs " + needed + " floats but the buffer holds " + pixels.length);
    }
  }
}

package org.fsqspark.image;

/**
 * Decoded pixels as float planes in [0, 1]: {@code planes[c * width * height + y * width + x]}.
 * One plane for grayscale, three (R, G, B) for colour; alpha has already been composited onto black.
 */
public record DecodedImage(int width, int height, int channels, float[] planes) implements ImagePixels {
  public DecodedImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("Image size must be positive, got " + width + "x" + height);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("Decoded images have 1 or 3 channels, got " + channels);
    }
    if (planes.length != (long) width * height * channels) {
      throw new IllegalArgumentException(
          "Expected " + (long) width * height * channels + " values for " + width + "x" + height + "x"
              + channels + " but got " + planes.length);
    }
  }
}

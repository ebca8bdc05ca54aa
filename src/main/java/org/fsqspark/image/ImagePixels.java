package org.fsqspark.image;

/**
 * A decoded image as the preprocessor reads it: 8-bit samples straight from the decoder
 * ({@link PixelRaster}, photos and 8-bit PNGs), or float planes ({@link DecodedImage}, every other layout).
 */
public sealed interface ImagePixels permits PixelRaster, DecodedImage {
  int width();

  int height();

  /** Colour channels: 1 (gray) or 3 (RGB). */
  int channels();
}

package org.fsqspark.image;

/**
 * Heap bytes that decoding one image holds at its peak, from what its header declares: the decoder's raster
 * ({@code rasterBytesPerPixel} as the decoder allocates it: 16-bit samples take 2 bytes, a CMYK JPEG also
 * its raw 4-band raster) and the float planes it is converted to (4 bytes per value per plane), plus the
 * bounded scratch of that conversion. Preprocessing adds its own share ({@link Preprocessor#workingBytes}).
 *
 * @param planes 1 for gray images, 3 for colour ones, as {@link DecodedImage} holds them
 */
public record DecodeEstimate(long width, long height, int rasterBytesPerPixel, int planes) {
  /** The conversion to planes works through at most this many pixels at a time. */
  static final int CONVERSION_CHUNK_PIXELS = 1 << 16;

  public DecodeEstimate {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("Image size must be positive, got " + width + "x" + height);
    }
    if (rasterBytesPerPixel <= 0) {
      throw new IllegalArgumentException("Raster bytes per pixel must be positive, got " + rasterBytesPerPixel);
    }
    if (planes != 1 && planes != 3) {
      throw new IllegalArgumentException("Decoded images have 1 or 3 planes, got " + planes);
    }
  }

  public long pixels() {
    return width * height;
  }

  /** Raster, float planes and the conversion's scratch (two int arrays of one chunk). */
  public long bytes() {
    long chunk = Math.min(pixels(), Math.max(CONVERSION_CHUNK_PIXELS, width));
    return pixels() * (rasterBytesPerPixel + 4L * planes) + 2L * 4 * chunk;
  }
}

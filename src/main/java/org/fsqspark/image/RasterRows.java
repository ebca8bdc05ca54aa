package org.fsqspark.image;

/**
 * Rows of an 8-bit raster converted to floats in [0, 1] in a model's channels, with the same float operations
 * as {@link FloatPlanes#of} followed by {@link Preprocessor}'s channel conversion, so both give the same bits.
 */
final class RasterRows {
  /** Sample value to [0, 1] as the gray conversion computes it: multiplied by the reciprocal. */
  private static final float[] GRAY = new float[256];
  /** Sample value to [0, 1] as the colour conversion computes it: divided by 255. */
  private static final float[] COLOUR = new float[256];
  private static final float GRAY_SCALE = 1f / 255L;

  static {
    for (int i = 0; i < 256; i++) {
      GRAY[i] = i * GRAY_SCALE;
      COLOUR[i] = i / 255f;
    }
  }

  private RasterRows() {}

  /** Whether the raster's alpha is straight (not premultiplied), so colours are composited onto black here. */
  static boolean straightAlpha(PixelRaster raster) {
    return raster.alphaBand() >= 0 && !raster.premultiplied();
  }

  /**
   * Columns [from, from + count) of row y as {@code channels} channels, one run of {@code count} floats per
   * channel.
   */
  static void convert(PixelRaster raster, int y, int from, int count, int channels, float[] line) {
    byte[] s = raster.samples();
    int step = raster.pixelStride();
    int at = raster.offset() + y * raster.rowStride() + from * step;
    int alpha = raster.alphaBand();
    boolean straight = straightAlpha(raster);
    int[] bands = raster.colourBands();
    if (bands.length == 1) {
      int gray = bands[0];
      for (int x = 0; x < count; x++, at += step) {
        float value = GRAY[s[at + gray] & 0xff];
        if (straight) {
          // As toPlanes: value * alpha * (1 / 255), left to right.
          value = value * (s[at + alpha] & 0xff) * GRAY_SCALE;
        }
        line[x] = value;
        if (channels == 3) {
          line[count + x] = value;
          line[2 * count + x] = value;
        }
      }
      return;
    }
    int red = bands[0];
    int green = bands[1];
    int blue = bands[2];
    for (int x = 0; x < count; x++, at += step) {
      float r = COLOUR[s[at + red] & 0xff];
      float gr = COLOUR[s[at + green] & 0xff];
      float b = COLOUR[s[at + blue] & 0xff];
      if (straight) {
        float a = COLOUR[s[at + alpha] & 0xff];
        r = r * a;
        gr = gr * a;
        b = b * a;
      }
      if (channels == 1) {
        line[x] = Preprocessor.luma(r, gr, b);
      } else {
        line[x] = r;
        line[count + x] = gr;
        line[2 * count + x] = b;
      }
    }
  }
}

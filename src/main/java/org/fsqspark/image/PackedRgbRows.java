package org.fsqspark.image;

/**
 * The horizontal pass of {@link Preprocessor}'s filter over 8-bit RGB rows, all three channels at once: each
 * pixel's red, green and blue sit in one long, 21 bits apart, and the taps are fixed-point integers, so one long
 * multiply-add per tap filters the three channels together (SIMD within a register, what a JIT without
 * vectorisation still runs fast).
 *
 * <p>Each output's weights are the float taps rounded to multiples of 1/{@value #ONE} (largest remainders
 * first) so that they sum to exactly {@value #ONE}: all are non-negative, so a channel's sum is at most
 * 255 * 8192 &lt; 2^21 and never carries into the next channel, and a flat row comes out exactly flat. The
 * rounding moves a result by less than {@code taps / 2 / 8192} of the [0, 1] range; that is the only
 * difference from the float taps.
 */
final class PackedRgbRows {
  /** The fixed-point weight of 1: 2^13, the largest with 255 * ONE below 2^21. */
  static final int ONE = 1 << 13;
  /**
   * The most taps an output may have here: the rounding error grows with the taps (at most half a unit of
   * 1/{@value #ONE} per tap), so wider filters (downscaling by more than about 8) keep the float taps.
   */
  static final int MAX_TAPS = 16;
  private static final int LANE = 21;
  private static final long MASK = (1L << LANE) - 1;
  /** What a channel's sum of 1 is worth in [0, 1]: 1 / 255 / {@link #ONE}. */
  static final float UNIT = 1f / (255 * ONE);

  /** Taps per output: the most any output of the axis has; the others' windows are padded with zero weights. */
  private final int taps;
  /** Where output i's window starts, relative to the first column any output reads. */
  private final int[] window;
  /** Output i's weights at {@code i * taps}, summing to {@link #ONE}. */
  private final int[] fixed;

  PackedRgbRows(FilterTaps filter) {
    int outputs = filter.size();
    int from = filter.from();
    int to = filter.to();
    int most = 0;
    for (int i = 0; i < outputs; i++) {
      most = Math.max(most, filter.count(i));
    }
    this.taps = most;
    this.window = new int[outputs];
    this.fixed = new int[outputs * most];
    float[] weights = filter.weights();
    for (int i = 0; i < outputs; i++) {
      // Every window lies inside [from, to), which is at least as long as the longest window.
      int first = Math.min(filter.first(i), to - most);
      window[i] = first - from;
      quantize(weights, filter.start(i), filter.count(i), fixed, i * most + filter.first(i) - first);
    }
  }

  /** Whether the taps are narrow enough for fixed point: at most {@link #MAX_TAPS} per output. */
  static boolean fits(FilterTaps filter) {
    for (int i = 0; i < filter.size(); i++) {
      if (filter.count(i) > MAX_TAPS) {
        return false;
      }
    }
    return true;
  }

  /** Columns this row reads, from the first column any output reads. */
  int columns() {
    return window.length == 0 ? 0 : window[window.length - 1] + taps;
  }

  /**
   * Rounds {@code n} weights from {@code at} (summing to about 1) to integers at {@code to} summing to exactly
   * {@link #ONE}, by largest remainders.
   */
  private static void quantize(float[] weights, int at, int n, int[] fixed, int to) {
    int sum = 0;
    for (int k = 0; k < n; k++) {
      fixed[to + k] = (int) Math.floor(weights[at + k] * (double) ONE);
      sum += fixed[to + k];
    }
    // The float weights sum to 1 within rounding, so a few units are missing (or, in theory, over): give them
    // to (or take them from) the weights that rounding moved the most.
    while (sum != ONE) {
      int step = sum < ONE ? 1 : -1;
      int best = -1;
      double bestError = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < n; k++) {
        double error = step * (weights[at + k] * (double) ONE - fixed[to + k]);
        if (fixed[to + k] + step >= 0 && error > bestError) {
          best = k;
          bestError = error;
        }
      }
      fixed[to + best] += step;
      sum += step;
    }
  }

  /**
   * Resamples rows [rowFrom, rowFrom + rowCount) of a raster with three colour bands horizontally: output i of
   * row y as floats in units of {@link #UNIT} (so that the caller scales once, after the vertical pass) into
   * {@code out}, red at {@code (y - rowFrom) * outputs + i}, green and blue
   * {@code channelLength} and {@code 2 * channelLength} further; {@code colFrom} is the first column any output
   * reads. Alpha, if any, is not read.
   */
  void resample(PixelRaster raster, int rowFrom, int rowCount, int colFrom, float[] out, int channelLength) {
    int outputs = window.length;
    int columns = columns();
    // A band of rows at a time: each output's window and weights are loaded once per band, not once per row.
    int bandRows = Math.max(1, Math.min(rowCount, BAND_PIXELS / Math.max(columns, outputs)));
    ResampleScratch scratch = ResampleScratch.ofThisThread();
    long[] band = scratch.longs(bandRows * columns);
    long[] sums = scratch.moreLongs(bandRows * outputs);
    for (int y = 0; y < rowCount; y += bandRows) {
      int count = Math.min(bandRows, rowCount - y);
      for (int r = 0; r < count; r++) {
        pack(raster, rowFrom + y + r, colFrom, columns, band, r * columns);
      }
      filter(band, columns, count, sums);
      unpack(sums, count * outputs, out, y * outputs, channelLength);
    }
  }

  /**
   * Pixels packed (and sums kept) per band: 32 KiB of longs each, so a band stays in the first-level cache; a
   * row wider than this is a band of its own.
   */
  static final int BAND_PIXELS = 4096;

  /**
   * Columns [from, from + count) of row y into {@code line} at {@code to}, one long per pixel: red in bits 42 to
   * 62, green in 21 to 41, blue in 0 to 20.
   */
  private static void pack(PixelRaster raster, int y, int from, int count, long[] line, int to) {
    byte[] s = raster.samples();
    int step = raster.pixelStride();
    int at = raster.offset() + y * raster.rowStride() + from * step;
    int red = at + raster.colourBand(0);
    int green = at + raster.colourBand(1);
    int blue = at + raster.colourBand(2);
    for (int x = to, end = to + count; x < end; x++) {
      line[x] = (long) ((s[red] & 0xff) << LANE | (s[green] & 0xff)) << LANE | (s[blue] & 0xff);
      red += step;
      green += step;
      blue += step;
    }
  }

  /**
   * The packed sums of {@code count} rows of {@code columns} pixels each: output i of row r at
   * {@code sums[r * outputs + i]}. Integer sums do not depend on the order; every output has the same number
   * of taps, so the common counts are spelt out, each output's weights held in locals over the band's rows.
   */
  private void filter(long[] band, int columns, int count, long[] sums) {
    int outputs = window.length;
    int[] q = fixed;
    for (int i = 0; i < outputs; i++) {
      int w = i * taps;
      int first = window[i];
      int end = first + count * columns;
      switch (taps) {
        case 1 -> {
          long w0 = q[w];
          for (int a = first, o = i; a < end; a += columns, o += outputs) {
            sums[o] = band[a] * w0;
          }
        }
        case 2 -> {
          long w0 = q[w];
          long w1 = q[w + 1];
          for (int a = first, o = i; a < end; a += columns, o += outputs) {
            sums[o] = band[a] * w0 + band[a + 1] * w1;
          }
        }
        case 3 -> {
          long w0 = q[w];
          long w1 = q[w + 1];
          long w2 = q[w + 2];
          for (int a = first, o = i; a < end; a += columns, o += outputs) {
            sums[o] = band[a] * w0 + band[a + 1] * w1 + band[a + 2] * w2;
          }
        }
        case 4 -> {
          long w0 = q[w];
          long w1 = q[w + 1];
          long w2 = q[w + 2];
          long w3 = q[w + 3];
          for (int a = first, o = i; a < end; a += columns, o += outputs) {
            sums[o] = band[a] * w0 + band[a + 1] * w1 + band[a + 2] * w2 + band[a + 3] * w3;
          }
        }
        case 5 -> {
          long w0 = q[w];
          long w1 = q[w + 1];
          long w2 = q[w + 2];
          long w3 = q[w + 3];
          long w4 = q[w + 4];
          for (int a = first, o = i; a < end; a += columns, o += outputs) {
            sums[o] = band[a] * w0 + band[a + 1] * w1 + band[a + 2] * w2 + band[a + 3] * w3 + band[a + 4] * w4;
          }
        }
        default -> {
          for (int a = first, o = i; a < end; a += columns, o += outputs) {
            long sum = 0;
            for (int k = 0; k < taps; k++) {
              sum += band[a + k] * q[w + k];
            }
            sums[o] = sum;
          }
        }
      }
    }
  }

  /**
   * {@code n} packed sums to floats, each a multiple of {@link #UNIT} in [0, 1] as a whole number: red at
   * {@code out[to + j]}, green and blue a channel further.
   */
  private static void unpack(long[] sums, int n, float[] out, int to, int channelLength) {
    int green = to + channelLength;
    int blue = green + channelLength;
    for (int j = 0; j < n; j++) {
      long sum = sums[j];
      out[to + j] = (int) (sum >>> (2 * LANE));
      out[green + j] = (int) ((sum >>> LANE) & MASK);
      out[blue + j] = (int) (sum & MASK);
    }
  }
}

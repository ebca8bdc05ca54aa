package org.fsqspark.image;

import java.util.Arrays;

/**
 * Precomputed taps of one axis of {@link Preprocessor}'s triangle filter, widened by the downscale factor (PIL's
 * antialiased resize); every output adds its taps in the same order, whichever method applies them.
 */
record FilterTaps(int[] first, int[] count, float[][] weights) {
  static FilterTaps of(int inSize, double start, double length, int outSize) {
    double scale = length / outSize;
    double filterScale = Math.max(scale, 1.0);
    int[] first = new int[outSize];
    int[] count = new int[outSize];
    float[][] weights = new float[outSize][];
    for (int i = 0; i < outSize; i++) {
      double centre = start + (i + 0.5) * scale;
      int lo = Math.max(0, (int) Math.floor(centre - filterScale));
      int hi = Math.min(inSize, (int) Math.ceil(centre + filterScale));
      double[] raw = new double[Math.max(0, hi - lo)];
      double sum = 0;
      for (int x = lo; x < hi; x++) {
        double t = Math.abs((x + 0.5 - centre) / filterScale);
        raw[x - lo] = Math.max(0, 1 - t);
        sum += raw[x - lo];
      }
      if (sum == 0) {
        // Only at a border with a sub-pixel source: take the nearest pixel.
        int nearest = Math.min(inSize - 1, Math.max(0, (int) Math.floor(centre)));
        first[i] = nearest;
        count[i] = 1;
        weights[i] = new float[] {1f};
        continue;
      }
      first[i] = lo;
      count[i] = raw.length;
      weights[i] = new float[raw.length];
      for (int k = 0; k < raw.length; k++) {
        weights[i][k] = (float) (raw[k] / sum);
      }
    }
    return new FilterTaps(first, count, weights);
  }

  /** First source index any output reads. */
  int from() {
    int from = Integer.MAX_VALUE;
    for (int f : first) {
      from = Math.min(from, f);
    }
    return from;
  }

  /** One past the last source index any output reads. */
  int to() {
    int to = 0;
    for (int i = 0; i < first.length; i++) {
      to = Math.max(to, first[i] + count[i]);
    }
    return to;
  }

  /** Output i along a contiguous run of samples starting at {@code base}. */
  float apply(float[] data, int base, int i) {
    float[] w = weights[i];
    int at = base + first[i];
    float sum = 0;
    for (int k = 0; k < count[i]; k++) {
      sum += w[k] * data[at + k];
    }
    return sum;
  }

  /**
   * Every output of three channels stored one after another ({@code channelLength} apart, starting at
   * {@code base}) into {@code out} at {@code target}, {@code outChannelLength} apart: each channel adds its
   * taps in the same order as {@link #apply}, all three in one pass over the taps.
   */
  void applyToThree(float[] data, int channelLength, int base, float[] out, int target, int outChannelLength) {
    for (int i = 0; i < first.length; i++) {
      float[] w = weights[i];
      int at = base + first[i];
      int n = count[i];
      float red = 0;
      float green = 0;
      float blue = 0;
      for (int k = 0; k < n; k++) {
        float weight = w[k];
        red += weight * data[at + k];
        green += weight * data[channelLength + at + k];
        blue += weight * data[2 * channelLength + at + k];
      }
      out[target + i] = red;
      out[outChannelLength + target + i] = green;
      out[2 * outChannelLength + target + i] = blue;
    }
  }

  /**
   * Output rows from rows of {@code rowLength} floats, source row j at {@code base + j * rowLength}: every
   * output value adds its taps in the same order as {@link #apply}, a whole row at a time so the loop over x
   * vectorises.
   */
  void applyToRows(float[] rows, int base, int rowLength, float[] out, int outBase, int outStride) {
    for (int y = 0; y < first.length; y++) {
      int target = outBase + y * outStride;
      Arrays.fill(out, target, target + rowLength, 0f);
      float[] w = weights[y];
      for (int k = 0; k < count[y]; k++) {
        float weight = w[k];
        int source = base + (first[y] + k) * rowLength;
        for (int x = 0; x < rowLength; x++) {
          out[target + x] += weight * rows[source + x];
        }
      }
    }
  }
}

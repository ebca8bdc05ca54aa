package org.fsqspark.image;

/**
 * Precomputed taps of one axis of {@link Preprocessor}'s triangle filter, widened by the downscale factor (PIL's
 * antialiased resize); every output adds its taps in the same order, whichever method applies them.
 *
 * <p>The taps of all outputs lie in one flat array (output i's at {@code start(i)}), so building them allocates
 * four arrays, not one per output.
 */
final class FilterTaps {
  private final int[] first;
  private final int[] count;
  private final int[] start;
  private final float[] weights;

  private FilterTaps(int[] first, int[] count, int[] start, float[] weights) {
    this.first = first;
    this.count = count;
    this.start = start;
    this.weights = weights;
  }

  static FilterTaps of(int inSize, double start, double length, int outSize) {
    double scale = length / outSize;
    double filterScale = Math.max(scale, 1.0);
    int[] first = new int[outSize];
    int[] count = new int[outSize];
    int[] offsets = new int[outSize];
    // No output reads more than 2 * filterScale + 2 inputs; the weights grow as needed beyond a first guess.
    double[] raw = new double[(int) Math.min(inSize, Math.ceil(2 * filterScale) + 2)];
    float[] weights = new float[outSize * raw.length];
    int used = 0;
    for (int i = 0; i < outSize; i++) {
      double centre = start + (i + 0.5) * scale;
      int lo = Math.max(0, (int) Math.floor(centre - filterScale));
      int hi = Math.min(inSize, (int) Math.ceil(centre + filterScale));
      int n = Math.max(0, hi - lo);
      if (n > raw.length) {
        raw = new double[n];
      }
      double sum = 0;
      for (int x = lo; x < hi; x++) {
        double t = Math.abs((x + 0.5 - centre) / filterScale);
        raw[x - lo] = Math.max(0, 1 - t);
        sum += raw[x - lo];
      }
      if (sum == 0) {
        // Only at a border with a sub-pixel source: take the nearest pixel.
        lo = Math.min(inSize - 1, Math.max(0, (int) Math.floor(centre)));
        n = 1;
        raw[0] = 1;
        sum = 1;
      }
      if (used + n > weights.length) {
        weights = java.util.Arrays.copyOf(weights, Math.max(2 * weights.length, used + n));
      }
      first[i] = lo;
      count[i] = n;
      offsets[i] = used;
      for (int k = 0; k < n; k++) {
        weights[used + k] = (float) (raw[k] / sum);
      }
      used += n;
    }
    return new FilterTaps(first, count, offsets, weights);
  }

  /** Outputs along this axis. */
  int size() {
    return first.length;
  }

  /** First source index output i reads. */
  int first(int i) {
    return first[i];
  }

  /** Source indices output i reads. */
  int count(int i) {
    return count[i];
  }

  /** Where output i's weights start in {@link #weights()}. */
  int start(int i) {
    return start[i];
  }

  /** The weights of all outputs, output i's from {@link #start}; a view, not a copy. */
  float[] weights() {
    return weights;
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
    int w = start[i];
    int at = base + first[i];
    float sum = 0;
    for (int k = 0; k < count[i]; k++) {
      sum += weights[w + k] * data[at + k];
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
      int w = start[i];
      int at = base + first[i];
      int n = count[i];
      float red = 0;
      float green = 0;
      float blue = 0;
      for (int k = 0; k < n; k++) {
        float weight = weights[w + k];
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
   * Output rows from rows of {@code rowLength} floats, source row j at {@code base + j * rowLength}, each value
   * written as {@code sum * span + shift}: every sum adds its taps in the same order as {@link #apply}, up to
   * four taps per pass over the row (a partial sum waits in {@code out} between passes), so a row of outputs
   * costs a load and a multiply-add per tap and one store per pass.
   */
  void applyToRows(float[] rows, int base, int rowLength, float[] out, int outBase, int outStride, float span,
      float shift) {
    for (int y = 0; y < first.length; y++) {
      int target = outBase + y * outStride;
      int n = count[y];
      int source = base + first[y] * rowLength;
      for (int k = 0; k < n; k += 4) {
        int taps = Math.min(4, n - k);
        boolean last = k + taps == n;
        addTaps(rows, source + k * rowLength, rowLength, start[y] + k, taps, k > 0, out, target,
            last ? span : 1f, last ? shift : 0f);
      }
    }
  }

  /**
   * One pass of {@link #applyToRows}: {@code taps} (1 to 4) source rows from {@code source} with the weights at
   * {@code w}, added to the partial sums in {@code out} when {@code partial} (else to 0), stored as
   * {@code sum * scale + shift}; a scale of 1 and shift of 0 store the sum itself.
   */
  private void addTaps(float[] rows, int source, int rowLength, int w, int taps, boolean partial, float[] out,
      int target, float scale, float shift) {
    float w0 = weights[w];
    int s0 = source;
    int end = target + rowLength;
    if (taps == 1) {
      if (partial) {
        for (int x = target, a = s0; x < end; x++, a++) {
          out[x] = (out[x] + w0 * rows[a]) * scale + shift;
        }
      } else {
        for (int x = target, a = s0; x < end; x++, a++) {
          out[x] = (0f + w0 * rows[a]) * scale + shift;
        }
      }
      return;
    }
    float w1 = weights[w + 1];
    int s1 = s0 + rowLength;
    if (taps == 2) {
      if (partial) {
        for (int x = target, a = s0, b = s1; x < end; x++, a++, b++) {
          out[x] = (out[x] + w0 * rows[a] + w1 * rows[b]) * scale + shift;
        }
      } else {
        for (int x = target, a = s0, b = s1; x < end; x++, a++, b++) {
          out[x] = (0f + w0 * rows[a] + w1 * rows[b]) * scale + shift;
        }
      }
      return;
    }
    float w2 = weights[w + 2];
    int s2 = s1 + rowLength;
    if (taps == 3) {
      if (partial) {
        for (int x = target, a = s0, b = s1, c = s2; x < end; x++, a++, b++, c++) {
          out[x] = (out[x] + w0 * rows[a] + w1 * rows[b] + w2 * rows[c]) * scale + shift;
        }
      } else {
        for (int x = target, a = s0, b = s1, c = s2; x < end; x++, a++, b++, c++) {
          out[x] = (0f + w0 * rows[a] + w1 * rows[b] + w2 * rows[c]) * scale + shift;
        }
      }
      return;
    }
    float w3 = weights[w + 3];
    int s3 = s2 + rowLength;
    if (partial) {
      for (int x = target, a = s0, b = s1, c = s2, d = s3; x < end; x++, a++, b++, c++, d++) {
        out[x] = (out[x] + w0 * rows[a] + w1 * rows[b] + w2 * rows[c] + w3 * rows[d]) * scale + shift;
      }
    } else {
      for (int x = target, a = s0, b = s1, c = s2, d = s3; x < end; x++, a++, b++, c++, d++) {
        out[x] = (0f + w0 * rows[a] + w1 * rows[b] + w2 * rows[c] + w3 * rows[d]) * scale + shift;
      }
    }
  }
}

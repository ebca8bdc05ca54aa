package org.fsqspark.image;

/** Peak signal-to-noise ratio of a reconstruction against its original, for pixels in [0, 1]. */
public final class Psnr {
  /** What a perfect match scores: the PSNR of a mean squared error of 1e-10 and below. */
  public static final double PERFECT = 100;

  private Psnr() {}

  /** PSNR in dB of a mean squared error of pixels in [0, 1]; capped at {@link #PERFECT}. */
  public static double ofMeanSquaredError(double meanSquaredError) {
    return meanSquaredError <= 1e-10 ? PERFECT : 10 * Math.log10(1 / meanSquaredError);
  }

  /** PSNR of two images of the same size whose values are in [0, 1]. */
  public static double between(float[] original, float[] reconstruction) {
    double squaredError = 0;
    for (int p = 0; p < original.length; p++) {
      double difference = original[p] - reconstruction[p];
      squaredError += difference * difference;
    }
    return ofMeanSquaredError(squaredError / original.length);
  }

  /**
   * {@code length} values from {@code offset} mapped from {@code [min, max]} to [0, 1]; with {@code clamp} values
   * outside the range are clamped (a decoder's output can overshoot, a preprocessed original cannot).
   */
  public static float[] toUnit(float[] values, int offset, int length, float min, float max, boolean clamp) {
    float span = max - min;
    float[] unit = new float[length];
    for (int p = 0; p < length; p++) {
      float value = (values[offset + p] - min) / span;
      unit[p] = clamp ? Math.max(0, Math.min(1, value)) : value;
    }
    return unit;
  }
}

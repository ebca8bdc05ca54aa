package org.fsqspark.train;

/**
 * Reconstruction quality and codebook use on held-out images.
 *
 * @param sampleTokens the tokens of the first {@code sampleImages} held-out images, row-major per image, as the
 *     model in memory produced them (lets a test check that the saved model reproduces them)
 */
public record ValidationMetrics(double meanSquaredError, double psnr, double codebookUsage, int codesUsed,
    int[] sampleTokens, int sampleImages) {
  /** PSNR in dB of a mean squared error for pixels in [0, 1]; capped at 100 dB for a perfect match. */
  public static double psnr(double meanSquaredError) {
    return meanSquaredError <= 1e-10 ? 100 : 10 * Math.log10(1 / meanSquaredError);
  }
}

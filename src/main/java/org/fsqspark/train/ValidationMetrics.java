package org.fsqspark.train;

/**
 * Reconstruction quality and codebook use on held-out images.
 *
 * @param sampleTokens the tokens of the first {@code sampleImages} held-out images, row-major per image, as the
 *     model in memory produced them (lets a test check that the saved model reproduces them)
 */
public record ValidationMetrics(double meanSquaredError, double psnr, double codebookUsage, int codesUsed,
    int[] sampleTokens, int sampleImages) {}

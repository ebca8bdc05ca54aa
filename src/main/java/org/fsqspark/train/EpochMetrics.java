package org.fsqspark.train;

/**
 * What one training epoch ended with, on the held-out images.
 *
 * @param usage share of the codes the held-out images' tokens use
 * @param seconds the epoch's wall time, training and validation
 */
public record EpochMetrics(int epoch, double trainLoss, double psnr, double usage, int codesUsed, double seconds) {
  public EpochMetrics {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
    }
  }
}

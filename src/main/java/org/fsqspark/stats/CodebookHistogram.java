package org.fsqspark.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Exact counts of every token index of a codebook: a dense array, merged element-wise, so partitions can
 * count independently and combine in any order.
 */
public final class CodebookHistogram implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] counts;

  public CodebookHistogram(int codebookSize) {
    if (codebookSize <= 0) {
      throw new IllegalArgumentException("Codebook size must be positive, got " + codebookSize);
    }
    this.counts = new long[codebookSize];
  }

  /** Counts each token; throws on an index outside the codebook rather than miscounting it. */
  public void addAll(int[] tokens) {
    for (int token : tokens) {
      add(token);
    }
  }

  /** Counts one token. */
  public void add(int token) {
    if (token < 0 || token >= counts.length) {
      throw new IllegalArgumentException(
          "Token " + token + " is outside the codebook 0.." + (counts.length - 1));
    }
    counts[token]++;
  }

  /** Adds another histogram's counts into this one and returns this. */
  public CodebookHistogram merge(CodebookHistogram other) {
    if (other.counts.length != counts.length) {
      throw new IllegalArgumentException(
          "Cannot merge histograms of " + counts.length + " and " + other.counts.length + " codes");
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    return this;
  }

  public int codebookSize() {
    return counts.length;
  }

  public long count(int token) {
    return counts[token];
  }

  /** All counts (a copy). */
  public long[] counts() {
    return counts.clone();
  }

  public long total() {
    return Arrays.stream(counts).sum();
  }

  /** Codes seen at least once. */
  public int usedCodes() {
    int used = 0;
    for (long count : counts) {
      used += count > 0 ? 1 : 0;
    }
    return used;
  }

  /** Fraction of the codebook used at least once. */
  public double usage() {
    return (double) usedCodes() / counts.length;
  }

  /** Shannon entropy in bits of the empirical token distribution; 0 for an empty histogram. */
  public double entropyBits() {
    long total = total();
    if (total == 0) {
      return 0;
    }
    double entropy = 0;
    for (long count : counts) {
      if (count > 0) {
        double p = (double) count / total;
        entropy -= p * Math.log(p);
      }
    }
    return entropy / Math.log(2);
  }

  /** 2^entropy: the number of equally likely codes with the same entropy. */
  public double perplexity() {
    return Math.pow(2, entropyBits());
  }
}

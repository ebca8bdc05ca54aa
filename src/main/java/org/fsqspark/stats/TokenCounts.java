package org.fsqspark.stats;

import java.io.Serializable;

/** A histogram of token indices and the number of images they came from; partitions count and merge these. */
public final class TokenCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  private final CodebookHistogram histogram;
  private long images;

  public TokenCounts(int codebookSize) {
    histogram = new CodebookHistogram(codebookSize);
  }

  /** Counts one image's tokens. */
  public void add(int[] tokens) {
    histogram.addAll(tokens);
    images++;
  }

  /** Adds another partition's counts into these and returns these. */
  public TokenCounts merge(TokenCounts other) {
    histogram.merge(other.histogram);
    images += other.images;
    return this;
  }

  public CodebookHistogram histogram() {
    return histogram;
  }

  public long images() {
    return images;
  }
}

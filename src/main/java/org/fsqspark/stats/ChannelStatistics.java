package org.fsqspark.stats;

import java.util.ArrayList;
import java.util.List;
import org.fsqspark.fsq.Levels;

/**
 * Per-channel level histograms and entropies, read off the token histogram through the FSQ digits, and
 * the redundancy between channels: the sum of the channel entropies minus the token entropy (their total
 * correlation, zero when channels are independent).
 */
public record ChannelStatistics(List<Channel> channels, double redundancyBits) {
  /** One channel: its level count, how often each level occurs, and their entropy. */
  public record Channel(int index, int levels, long[] counts, double entropyBits) {
    public double maxEntropyBits() {
      return Math.log(levels) / Math.log(2);
    }

    /** A level's share of the channel's tokens (0 when there are none). */
    public double share(int level) {
      long total = java.util.Arrays.stream(counts).sum();
      return total == 0 ? 0 : (double) counts[level] / total;
    }
  }

  public static ChannelStatistics of(CodebookHistogram histogram, Levels levels) {
    int d = levels.channels();
    long[][] counts = new long[d][];
    for (int c = 0; c < d; c++) {
      counts[c] = new long[levels.get(c)];
    }
    histogram.forEachNonZero((code, count) -> {
      for (int c = 0; c < d; c++) {
        counts[c][levels.digitOf(code, c)] += count;
      }
    });
    List<Channel> channels = new ArrayList<>();
    double sum = 0;
    for (int c = 0; c < d; c++) {
      double entropy = entropyBits(counts[c]);
      sum += entropy;
      channels.add(new Channel(c, levels.get(c), counts[c], entropy));
    }
    return new ChannelStatistics(List.copyOf(channels), sum - histogram.entropyBits());
  }

  static double entropyBits(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    double entropy = 0;
    for (long count : counts) {
      if (count > 0) {
        double p = (double) count / total;
        entropy -= p * Math.log(p);
      }
    }
    return total == 0 ? 0 : entropy / Math.log(2);
  }
}

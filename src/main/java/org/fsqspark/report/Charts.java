package org.fsqspark.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fsqspark.stats.ChannelStatistics;
import org.fsqspark.stats.CostModel;
import org.fsqspark.stats.TableStatistics;

/** The charts of {@code report.html}, drawn from figures the statistics computed. */
final class Charts {
  private Charts() {}

  static byte[] rankFrequency(List<TableStatistics> tables, List<String> names) {
    long maxCount = 1;
    long maxRank = 1;
    List<long[]> sortedCounts = new ArrayList<>();
    for (TableStatistics table : tables) {
      long[] counts = table.histogram().sortedCounts();
      sortedCounts.add(counts);
      if (counts.length > 0) {
        maxCount = Math.max(maxCount, counts[counts.length - 1]);
      }
      maxRank = Math.max(maxRank, counts.length);
    }
    Plot plot = new Plot(760, 420, "Rank-frequency of codes (log-log)")
        .axes(1, maxRank, true, 0.8, maxCount * 1.2, true)
        .frame("rank", "count", null);
    for (int t = 0; t < tables.size(); t++) {
      long[] counts = sortedCounts.get(t);
      int points = Math.min(counts.length, 2000);
      double[] xs = new double[points];
      double[] ys = new double[points];
      for (int p = 0; p < points; p++) {
        int rank = points == counts.length ? p + 1
            : (int) Math.round(Math.pow(counts.length, (double) p / Math.max(1, points - 1)));
        rank = Math.max(1, Math.min(counts.length, rank));
        xs[p] = rank;
        ys[p] = counts[counts.length - rank];
      }
      plot.line(xs, ys, t, names.get(t));
    }
    return plot.png();
  }

  static byte[] usage(List<TableStatistics> tables, List<String> names) {
    List<long[]> histograms = new ArrayList<>();
    int buckets = 2;
    for (TableStatistics table : tables) {
      long[] counts = table.histogram().occurrenceBuckets();
      histograms.add(counts);
      buckets = Math.max(buckets, counts.length);
    }
    String[] labels = new String[buckets];
    long max = 1;
    for (int b = 0; b < buckets; b++) {
      labels[b] = b == 0 ? "0 (dead)" : b == 1 ? "1" : "2^" + (b - 1);
      for (long[] counts : histograms) {
        max = Math.max(max, bucket(counts, b));
      }
    }
    Plot plot = new Plot(Math.max(760, 60 * buckets + 120), 420, "How often codes occur")
        .axes(0, buckets, false, 0, max * 1.1, false)
        .frame("occurrences of a code (bucket starts)", "number of codes", labels);
    double width = 0.8 / tables.size();
    for (int t = 0; t < tables.size(); t++) {
      for (int b = 0; b < buckets; b++) {
        double x0 = b + 0.1 + t * width;
        plot.bar(x0, x0 + width, bucket(histograms.get(t), b), t);
      }
      plot.legendEntry(names.get(t), t);
    }
    return plot.png();
  }

  private static long bucket(long[] counts, int b) {
    return b < counts.length ? counts[b] : 0;
  }

  static byte[] levels(TableStatistics table, String name) {
    List<ChannelStatistics.Channel> channels = table.channels().channels();
    int slots = 0;
    double max = 0;
    for (ChannelStatistics.Channel channel : channels) {
      slots += channel.levels() + 1;
      for (int level = 0; level < channel.levels(); level++) {
        max = Math.max(max, channel.share(level));
      }
    }
    String[] labels = new String[slots];
    java.util.Arrays.fill(labels, "");
    int offset = 0;
    for (ChannelStatistics.Channel channel : channels) {
      for (int level = 0; level < channel.levels(); level++) {
        labels[offset + level] = Integer.toString(level);
      }
      offset += channel.levels() + 1;
    }
    Plot plot = new Plot(Math.max(760, slots * 22 + 120), 380, "Level histograms per channel: " + name)
        .axes(0, slots, false, 0, Math.max(0.05, max * 1.15), false)
        .frame("level digit, channel by channel", "share of tokens", labels);
    offset = 0;
    for (ChannelStatistics.Channel channel : channels) {
      for (int level = 0; level < channel.levels(); level++) {
        plot.bar(offset + level + 0.1, offset + level + 0.9, channel.share(level), channel.index());
      }
      plot.text(offset + channel.levels() / 2.0, Math.max(0.05, max * 1.15) * 0.93,
          String.format(Locale.ROOT, "ch %d: %.2f bits", channel.index(), channel.entropyBits()));
      offset += channel.levels() + 1;
    }
    return plot.png();
  }

  static byte[] cost(List<TableStatistics> tables, List<String> names) {
    List<CostModel> models = new ArrayList<>();
    double max = 1;
    for (CostModel model : CostModel.values()) {
      if (tables.stream().allMatch(t -> t.bitsPerTokenByModel().containsKey(model))) {
        models.add(model);
        for (TableStatistics table : tables) {
          max = Math.max(max, table.bitsPerToken(model));
        }
      }
    }
    String[] labels = models.stream().map(CostModel::label).toArray(String[]::new);
    Plot plot = new Plot(Math.max(760, models.size() * 150 + 120), 420, "Compression cost by model")
        .axes(0, models.size(), false, 0, max * 1.15, false)
        .frame("probability model / compressor", "bits per token", labels);
    double width = 0.8 / tables.size();
    for (int t = 0; t < tables.size(); t++) {
      for (int m = 0; m < models.size(); m++) {
        double x0 = m + 0.1 + t * width;
        double value = tables.get(t).bitsPerToken(models.get(m));
        plot.bar(x0, x0 + width, value, t);
        plot.text(x0 + width / 2, value, String.format(Locale.ROOT, "%.2f", value));
      }
      plot.legendEntry(names.get(t), t);
    }
    for (int t = 0; t < tables.size(); t++) {
      plot.reference(tables.get(t).entropyBits(), String.format(Locale.ROOT, "%s entropy %.2f bits", names.get(t),
          tables.get(t).entropyBits()));
    }
    return plot.png();
  }
}

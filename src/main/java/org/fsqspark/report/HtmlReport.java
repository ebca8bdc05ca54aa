package org.fsqspark.report;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.fsqspark.stats.ChannelStatistics;
import org.fsqspark.stats.CodebookHistogram;
import org.fsqspark.stats.CostModel;

/**
 * {@code report.html}: one self-contained page (PNG plots inlined, no scripts, no network) with the figures
 * of one token table, or of two side by side for {@code --compare}.
 */
public final class HtmlReport {
  /** One table's figures and histogram, under the name the page shows. */
  public record Table(String name, StatsReport report, CodebookHistogram histogram) {}

  private HtmlReport() {}

  public static String render(List<Table> tables) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>fsq-spark token statistics</title>\n")
        .append("<style>body{font-family:sans-serif;margin:24px;max-width:1500px;color:#222}")
        .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:4px 10px;")
        .append("text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
        .append("img{max-width:100%;border:1px solid #ddd;margin:6px 0}.note{color:#555;font-size:90%}</style>\n")
        .append("</head><body>\n<h1>Token statistics</h1>\n");
    html.append("<h2>Summary</h2>\n<table><tr><th></th>");
    for (Table table : tables) {
      html.append("<th>").append(escape(table.name())).append("</th>");
    }
    html.append("</tr>\n");
    row(html, tables, "table", t -> escape(t.report().table()));
    row(html, tables, "tokenizer", t -> escape(String.valueOf(t.report().tokenizer())));
    row(html, tables, "levels (|C|)", t -> t.report().levels() + " (" + t.report().levels().codebookSize() + ")");
    row(html, tables, "images", t -> Long.toString(t.report().images()));
    row(html, tables, "tokens", t -> Long.toString(t.report().tokens()));
    row(html, tables, "codebook usage", t -> String.format(Locale.ROOT, "%.2f%% (%d used, %d dead)",
        100 * t.report().usage(), t.report().usedCodes(), t.report().deadCodes()));
    row(html, tables, "entropy", t -> String.format(Locale.ROOT, "%.3f of %.3f bits (%.1f%%)", t.report().entropyBits(),
        t.report().maxEntropyBits(), 100 * t.report().entropyBits() / t.report().maxEntropyBits()));
    row(html, tables, "perplexity", t -> String.format(Locale.ROOT, "%.1f", t.report().perplexity()));
    row(html, tables, "channel redundancy", t -> String.format(Locale.ROOT, "%.3f bits",
        t.report().channels().redundancyBits()));
    html.append("</table>\n");

    html.append("<h2>Rank-frequency</h2>\n").append(image(Charts.rankFrequency(tables)));
    html.append("<h2>Code usage</h2>\n<p class=\"note\">How many codes occur how often; the first bar counts the"
        + " dead codes (never used).</p>\n").append(image(Charts.usage(tables)));
    html.append("<h2>Per-channel level histograms</h2>\n");
    for (Table table : tables) {
      html.append(image(Charts.levels(table)));
      html.append("<table><tr><th>channel</th><th>levels</th><th>entropy (bits)</th><th>max (bits)</th></tr>");
      for (ChannelStatistics.Channel channel : table.report().channels().channels()) {
        html.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%.3f</td><td>%.3f</td></tr>",
            channel.index(), channel.levels(), channel.entropyBits(), channel.maxEntropyBits()));
      }
      html.append("</table>\n");
    }
    if (tables.stream().allMatch(t -> t.report().compression() != null)) {
      html.append("<h2>Compression cost</h2>\n").append(image(Charts.cost(tables)));
      html.append("<table><tr><th>model</th>");
      for (Table table : tables) {
        html.append("<th>").append(escape(table.name())).append(": bits/token</th><th>bits/image</th><th>bytes</th>");
      }
      html.append("<th>what it is</th></tr>\n");
      for (CostModel model : CostModel.values()) {
        if (!tables.stream().allMatch(t -> t.report().compression().covers(model))) {
          continue;
        }
        html.append("<tr><td>").append(escape(model.label())).append("</td>");
        for (Table table : tables) {
          String skipped = table.report().compression().skipped().get(model);
          if (skipped != null) {
            html.append("<td colspan=\"3\">skipped: ").append(escape(skipped)).append("</td>");
          } else {
            html.append(String.format(Locale.ROOT, "<td>%.3f</td><td>%.1f</td><td>%d</td>",
                table.report().bitsPerToken(model), table.report().bitsPerImage(model), table.report().bytes(model)));
          }
        }
        String setup = tables.get(0).report().compression().detail(model);
        double ideal = tables.get(0).report().compression().idealBits(model);
        html.append("<td>").append(escape(model.description()))
            .append(Double.isNaN(ideal) ? "" : String.format(Locale.ROOT, "; ideal -log2 p %.3f bits/token",
                ideal / Math.max(1, tables.get(0).report().tokens())))
            .append(setup == null ? "" : "; " + escape(setup)).append("</td></tr>\n");
      }
      html.append("</table>\n<p class=\"note\">Costs are real coded sizes: ").append(escape(StatsReport.CODER))
          .append(". Each partition is one stream. ");
      for (Table table : tables) {
        long verified = table.report().compression().verifiedTokens();
        html.append(escape(table.name())).append(": ").append(verified == table.report().tokens()
            ? "every stream was decoded and gave its tokens back. "
            : verified + " of " + table.report().tokens() + " tokens were decoded and checked. ");
      }
      html.append("</p>\n");
    }
    html.append("<h2>Most frequent codes</h2>\n");
    for (Table table : tables) {
      html.append("<table><tr><th>").append(escape(table.name())).append(": code</th><th>count</th><th>share</th></tr>");
      int shown = 0;
      for (long[] entry : table.report().topCodes()) {
        if (shown++ == 10) {
          break;
        }
        html.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%.2f%%</td></tr>", entry[0], entry[1],
            table.report().tokens() == 0 ? 0 : 100.0 * entry[1] / table.report().tokens()));
      }
      html.append("</table>\n");
    }
    html.append("<p class=\"note\">Made by fsq-spark stats.</p>\n</body></html>\n");
    return html.toString();
  }

  private interface Cell {
    String of(Table table);
  }

  private static void row(StringBuilder html, List<Table> tables, String name, Cell cell) {
    html.append("<tr><td>").append(name).append("</td>");
    for (Table table : tables) {
      html.append("<td>").append(cell.of(table)).append("</td>");
    }
    html.append("</tr>\n");
  }

  private static String image(byte[] png) {
    return "<img alt=\"chart\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\">\n";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** The charts of the page. */
  static final class Charts {
    private Charts() {}

    static byte[] rankFrequency(List<Table> tables) {
      long maxCount = 1;
      long maxRank = 1;
      List<long[]> sortedCounts = new ArrayList<>();
      for (Table table : tables) {
        long[] counts = nonZeroCounts(table.histogram());
        java.util.Arrays.sort(counts);
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
        plot.line(xs, ys, t, tables.get(t).name());
      }
      return plot.png();
    }

    static byte[] usage(List<Table> tables) {
      int buckets = 2;
      List<long[]> histograms = new ArrayList<>();
      for (Table table : tables) {
        long[] counts = new long[64];
        counts[0] = table.report().deadCodes();
        table.histogram().forEachNonZero((code, count) -> counts[1 + 63 - Long.numberOfLeadingZeros(count)]++);
        histograms.add(counts);
        for (int b = 0; b < counts.length; b++) {
          if (counts[b] > 0) {
            buckets = Math.max(buckets, b + 1);
          }
        }
      }
      String[] labels = new String[buckets];
      long max = 1;
      for (int b = 0; b < buckets; b++) {
        labels[b] = b == 0 ? "0 (dead)" : b == 1 ? "1" : "2^" + (b - 1);
        for (long[] counts : histograms) {
          max = Math.max(max, counts[b]);
        }
      }
      Plot plot = new Plot(Math.max(760, 60 * buckets + 120), 420, "How often codes occur")
          .axes(0, buckets, false, 0, max * 1.1, false)
          .frame("occurrences of a code (bucket starts)", "number of codes", labels);
      double width = 0.8 / tables.size();
      for (int t = 0; t < tables.size(); t++) {
        for (int b = 0; b < buckets; b++) {
          double x0 = b + 0.1 + t * width;
          plot.bar(x0, x0 + width, histograms.get(t)[b], t);
        }
        plot.legendEntry(tables.get(t).name(), t);
      }
      return plot.png();
    }

    static byte[] levels(Table table) {
      List<ChannelStatistics.Channel> channels = table.report().channels().channels();
      int slots = 0;
      double max = 0;
      for (ChannelStatistics.Channel channel : channels) {
        slots += channel.levels() + 1;
        long total = java.util.Arrays.stream(channel.counts()).sum();
        for (long count : channel.counts()) {
          max = Math.max(max, total == 0 ? 0 : (double) count / total);
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
      Plot plot = new Plot(Math.max(760, slots * 22 + 120), 380, "Level histograms per channel: " + table.name())
          .axes(0, slots, false, 0, Math.max(0.05, max * 1.15), false)
          .frame("level digit, channel by channel", "share of tokens", labels);
      offset = 0;
      for (ChannelStatistics.Channel channel : channels) {
        long total = java.util.Arrays.stream(channel.counts()).sum();
        for (int level = 0; level < channel.levels(); level++) {
          double share = total == 0 ? 0 : (double) channel.counts()[level] / total;
          plot.bar(offset + level + 0.1, offset + level + 0.9, share, channel.index());
        }
        plot.text(offset + channel.levels() / 2.0, Math.max(0.05, max * 1.15) * 0.93,
            String.format(Locale.ROOT, "ch %d: %.2f bits", channel.index(), channel.entropyBits()));
        offset += channel.levels() + 1;
      }
      return plot.png();
    }

    static byte[] cost(List<Table> tables) {
      List<CostModel> models = new ArrayList<>();
      double max = 1;
      for (CostModel model : CostModel.values()) {
        if (tables.stream().allMatch(t -> t.report().bitsPerTokenByModel().containsKey(model))) {
          models.add(model);
          for (Table table : tables) {
            max = Math.max(max, table.report().bitsPerToken(model));
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
          double value = tables.get(t).report().bitsPerToken(models.get(m));
          plot.bar(x0, x0 + width, value, t);
          plot.text(x0 + width / 2, value, String.format(Locale.ROOT, "%.2f", value));
        }
        plot.legendEntry(tables.get(t).name(), t);
      }
      for (Table table : tables) {
        plot.reference(table.report().entropyBits(), String.format(Locale.ROOT, "%s entropy %.2f bits",
            table.name(), table.report().entropyBits()));
      }
      return plot.png();
    }

    private static long[] nonZeroCounts(CodebookHistogram histogram) {
      long[] counts = new long[histogram.usedCodes()];
      int[] n = new int[1];
      histogram.forEachNonZero((code, count) -> counts[n[0]++] = count);
      return counts;
    }
  }
}

package org.fsqspark.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.fsqspark.stats.ChannelStatistics;
import org.fsqspark.stats.CostModel;
import org.fsqspark.stats.TableStatistics;

/**
 * {@code report.html}: one self-contained page (PNG plots inlined, no scripts, no network) with the figures
 * of one token table, or of two side by side for {@code --compare} (named A and B).
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** The names a page gives its tables: {@code tokens} for one, {@code A} and {@code B} for two. */
  public static List<String> names(int tables) {
    return tables == 1 ? List.of("tokens") : List.of("A", "B");
  }

  public static String render(List<TableStatistics> tables) {
    List<String> names = names(tables.size());
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>fsq-spark token statistics</title>\n")
        .append("<style>body{font-family:sans-serif;margin:24px;max-width:1500px;color:#222}")
        .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:4px 10px;")
        .append("text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
        .append("img{max-width:100%;border:1px solid #ddd;margin:6px 0}.note{color:#555;font-size:90%}</style>\n")
        .append("</head><body>\n<h1>Token statistics</h1>\n");
    summary(html, tables, names);
    html.append("<h2>Rank-frequency</h2>\n").append(image(Charts.rankFrequency(tables, names)));
    html.append("<h2>Code usage</h2>\n<p class=\"note\">How many codes occur how often; the first bar counts the"
        + " dead codes (never used).</p>\n").append(image(Charts.usage(tables, names)));
    html.append("<h2>Per-channel level histograms</h2>\n");
    for (int t = 0; t < tables.size(); t++) {
      html.append(image(Charts.levels(tables.get(t), names.get(t))));
      html.append("<table><tr><th>channel</th><th>levels</th><th>entropy (bits)</th><th>max (bits)</th></tr>");
      for (ChannelStatistics.Channel channel : tables.get(t).channels().channels()) {
        html.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%.3f</td><td>%.3f</td></tr>",
            channel.index(), channel.levels(), channel.entropyBits(), channel.maxEntropyBits()));
      }
      html.append("</table>\n");
    }
    if (tables.stream().allMatch(t -> t.compression() != null)) {
      compression(html, tables, names);
    }
    topCodes(html, tables, names);
    html.append("<p class=\"note\">Made by fsq-spark stats.</p>\n</body></html>\n");
    return html.toString();
  }

  private static void summary(StringBuilder html, List<TableStatistics> tables, List<String> names) {
    html.append("<h2>Summary</h2>\n<table><tr><th></th>");
    for (String name : names) {
      html.append("<th>").append(escape(name)).append("</th>");
    }
    html.append("</tr>\n");
    row(html, tables, "table", t -> escape(t.table()));
    row(html, tables, "tokenizer", t -> escape(String.valueOf(t.tokenizer())));
    row(html, tables, "levels (|C|)", t -> t.levels() + " (" + t.levels().codebookSize() + ")");
    row(html, tables, "images", t -> Long.toString(t.images()));
    row(html, tables, "tokens", t -> Long.toString(t.tokens()));
    row(html, tables, "codebook usage", t -> String.format(Locale.ROOT, "%.2f%% (%d used, %d dead)",
        100 * t.usage(), t.usedCodes(), t.deadCodes()));
    row(html, tables, "entropy", t -> String.format(Locale.ROOT, "%.3f of %.3f bits (%.1f%%)", t.entropyBits(),
        t.maxEntropyBits(), 100 * t.entropyBits() / t.maxEntropyBits()));
    row(html, tables, "perplexity", t -> String.format(Locale.ROOT, "%.1f", t.perplexity()));
    row(html, tables, "channel redundancy", t -> String.format(Locale.ROOT, "%.3f bits",
        t.channels().redundancyBits()));
    html.append("</table>\n");
  }

  private static void compression(StringBuilder html, List<TableStatistics> tables, List<String> names) {
    html.append("<h2>Compression cost</h2>\n").append(image(Charts.cost(tables, names)));
    html.append("<table><tr><th>model</th>");
    for (String name : names) {
      html.append("<th>").append(escape(name)).append(": bits/token</th><th>bits/image</th><th>bytes</th>");
    }
    html.append("<th>what it is</th></tr>\n");
    for (CostModel model : CostModel.values()) {
      if (!tables.stream().allMatch(t -> t.compression().covers(model))) {
        continue;
      }
      html.append("<tr><td>").append(escape(model.label())).append("</td>");
      for (TableStatistics table : tables) {
        String skipped = table.compression().skipped().get(model);
        if (skipped != null) {
          html.append("<td colspan=\"3\">skipped: ").append(escape(skipped)).append("</td>");
        } else {
          html.append(String.format(Locale.ROOT, "<td>%.3f</td><td>%.1f</td><td>%d</td>",
              table.bitsPerToken(model), table.bitsPerImage(model), table.bytes(model)));
        }
      }
      html.append("<td>").append(escape(model.description())).append(setup(tables.get(0), model))
          .append("</td></tr>\n");
    }
    html.append("</table>\n<p class=\"note\">Costs are real coded sizes: ").append(escape(TableStatistics.CODER))
        .append(". Each partition is one stream. ");
    for (int t = 0; t < tables.size(); t++) {
      TableStatistics table = tables.get(t);
      html.append(escape(names.get(t))).append(": ").append(table.allVerified()
          ? "every stream was decoded and gave its tokens back. "
          : table.compression().verifiedTokens() + " of " + table.tokens() + " tokens were decoded and checked. ");
    }
    html.append("</p>\n");
  }

  /** The ideal code length and set-up of a model measured in its own pass (the masked transformer). */
  private static String setup(TableStatistics table, CostModel model) {
    String setup = table.compression().detail(model);
    double ideal = table.compression().idealBits(model);
    return (Double.isNaN(ideal) ? "" : String.format(Locale.ROOT, "; ideal -log2 p %.3f bits/token",
        ideal / Math.max(1, table.tokens()))) + (setup == null ? "" : "; " + escape(setup));
  }

  private static void topCodes(StringBuilder html, List<TableStatistics> tables, List<String> names) {
    html.append("<h2>Most frequent codes</h2>\n");
    for (int t = 0; t < tables.size(); t++) {
      TableStatistics table = tables.get(t);
      // All of stats.json's top codes, with the level digits that make each one (channel 0 first).
      html.append("<table><tr><th>").append(escape(names.get(t))).append(": code</th><th>level digits</th>"
          + "<th>count</th><th>share</th></tr>");
      int[] digits = new int[table.levels().channels()];
      for (long[] entry : table.topCodes()) {
        table.levels().digitsOf((int) entry[0], digits);
        html.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%s</td><td>%d</td><td>%.2f%%</td></tr>", entry[0],
            java.util.Arrays.toString(digits), entry[1], table.tokens() == 0 ? 0 : 100.0 * entry[1] / table.tokens()));
      }
      html.append("</table>\n");
    }
  }

  private interface Cell {
    String of(TableStatistics table);
  }

  private static void row(StringBuilder html, List<TableStatistics> tables, String name, Cell cell) {
    html.append("<tr><td>").append(name).append("</td>");
    for (TableStatistics table : tables) {
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
}

package org.fsqspark.report;

import java.util.Locale;
import org.fsqspark.stats.ChannelStatistics;
import org.fsqspark.stats.CostModel;
import org.fsqspark.stats.TableStatistics;

/** A table's figures as the short table {@code fsq stats} prints. */
public final class ConsoleTable {
  private ConsoleTable() {}

  public static String of(TableStatistics table) {
    StringBuilder out = new StringBuilder();
    line(out, "table", table.table());
    if (table.tokenizer() != null) {
      line(out, "tokenizer", table.tokenizer());
    }
    int codes = table.levels().codebookSize();
    line(out, "levels", table.levels() + " (|C| = " + codes + ")");
    line(out, "images", Long.toString(table.images()));
    line(out, "tokens", Long.toString(table.tokens()));
    line(out, "usage", String.format(Locale.ROOT, "%.2f%% (%d of %d codes, %d dead)", table.usage() * 100,
        table.usedCodes(), codes, table.deadCodes()));
    line(out, "entropy", String.format(Locale.ROOT, "%.3f bits of %.3f (%.1f%%)", table.entropyBits(),
        table.maxEntropyBits(), 100 * table.entropyBits() / table.maxEntropyBits()));
    line(out, "perplexity", String.format(Locale.ROOT, "%.1f", table.perplexity()));
    StringBuilder perChannel = new StringBuilder();
    for (ChannelStatistics.Channel channel : table.channels().channels()) {
      perChannel.append(String.format(Locale.ROOT, "%s%.2f/%.2f", perChannel.length() == 0 ? "" : "  ",
          channel.entropyBits(), channel.maxEntropyBits()));
    }
    line(out, "channel entropy", perChannel + " bits; redundancy "
        + String.format(Locale.ROOT, "%.3f", table.channels().redundancyBits()) + " bits");
    if (!table.topCodes().isEmpty()) {
      long[] top = table.topCodes().get(0);
      line(out, "top code", String.format(Locale.ROOT, "%d (%.2f%% of tokens)", top[0],
          table.tokens() == 0 ? 0 : 100.0 * top[1] / table.tokens()));
    }
    if (table.compression() != null) {
      compression(out, table);
    }
    return out.toString();
  }

  private static void compression(StringBuilder out, TableStatistics table) {
    out.append(String.format(Locale.ROOT, "compression cost (bits/token, bits/image, bytes; %s):%n",
        table.allVerified() ? "every stream decoded and checked"
            : table.compression().verifiedTokens() + " of " + table.tokens() + " tokens decoded and checked"));
    for (CostModel model : CostModel.values()) {
      if (!table.compression().covers(model)) {
        continue;
      }
      String skipped = table.compression().skipped().get(model);
      double ideal = table.compression().idealBits(model);
      if (skipped != null) {
        out.append(String.format(Locale.ROOT, "  %-20s skipped: %s%n", model.label(), skipped));
      } else if (!Double.isNaN(ideal)) {
        long verified = table.compression().verifiedTokens(model);
        out.append(String.format(Locale.ROOT, "  %-20s %7.3f %9.1f %12d   ideal -log2 p %.3f bits/token, real"
                + " %+.2f%%; %s%n", model.label(), table.bitsPerToken(model), table.bitsPerImage(model),
            table.bytes(model), ideal / table.tokens(), 100 * (table.bytes(model) * 8.0 / ideal - 1),
            verified == table.tokens() ? "all decoded and checked" : verified + " tokens decoded and checked"));
      } else {
        out.append(String.format(Locale.ROOT, "  %-20s %7.3f %9.1f %12d%n", model.label(), table.bitsPerToken(model),
            table.bitsPerImage(model), table.bytes(model)));
      }
    }
  }

  private static void line(StringBuilder out, String name, String value) {
    out.append(String.format(Locale.ROOT, "%-16s %s%n", name, value));
  }
}

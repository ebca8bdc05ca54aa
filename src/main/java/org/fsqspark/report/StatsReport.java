package org.fsqspark.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;
import org.fsqspark.fsq.Levels;
import org.fsqspark.model.TokenizerManifest;
import org.fsqspark.stats.CodebookHistogram;

/** The figures of one token table, rendered as {@code stats.json} and as a short console table. */
public record StatsReport(
    String table,
    String tokenizer,
    Levels levels,
    long images,
    long tokens,
    int usedCodes,
    double usage,
    double entropyBits,
    double perplexity,
    int[] topCodes,
    long[] topCounts) {

  private static final int TOP = 10;

  /** Computes the report's figures from a finished histogram. */
  public static StatsReport of(String table, TokenizerManifest manifest, Levels levels, long images,
      CodebookHistogram histogram) {
    long[] counts = histogram.counts();
    int[] top = IntStream.range(0, counts.length).boxed()
        .filter(i -> counts[i] > 0)
        .sorted(Comparator.<Integer>comparingLong(i -> counts[i]).reversed().thenComparing(i -> i))
        .limit(TOP).mapToInt(Integer::intValue).toArray();
    long[] topCounts = Arrays.stream(top).mapToLong(i -> counts[i]).toArray();
    return new StatsReport(table, manifest == null ? null : manifest.name() + " " + manifest.version(), levels,
        images, histogram.total(), histogram.usedCodes(), histogram.usage(), histogram.entropyBits(),
        histogram.perplexity(), top, topCounts);
  }

  /** log2 |C|: the entropy of a uniform code distribution, the most the tokens can carry. */
  public double maxEntropyBits() {
    return Math.log(levels.codebookSize()) / Math.log(2);
  }

  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("table", table);
    root.addProperty("tokenizer", tokenizer);
    root.addProperty("levels", levels.toString());
    root.addProperty("codebook_size", levels.codebookSize());
    root.addProperty("images", images);
    root.addProperty("tokens", tokens);
    root.addProperty("used_codes", usedCodes);
    root.addProperty("dead_codes", levels.codebookSize() - usedCodes);
    root.addProperty("usage", usage);
    root.addProperty("entropy_bits", entropyBits);
    root.addProperty("max_entropy_bits", maxEntropyBits());
    root.addProperty("entropy_ratio", entropyBits / maxEntropyBits());
    root.addProperty("perplexity", perplexity);
    JsonArray topArray = new JsonArray();
    for (int i = 0; i < topCodes.length; i++) {
      JsonObject entry = new JsonObject();
      entry.addProperty("index", topCodes[i]);
      entry.addProperty("count", topCounts[i]);
      entry.addProperty("share", tokens == 0 ? 0 : (double) topCounts[i] / tokens);
      topArray.add(entry);
    }
    root.add("top_codes", topArray);
    return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
  }

  public String toConsoleTable() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-16s %s%n", "table", table));
    if (tokenizer != null) {
      out.append(String.format(Locale.ROOT, "%-16s %s%n", "tokenizer", tokenizer));
    }
    out.append(String.format(Locale.ROOT, "%-16s %s (|C| = %d)%n", "levels", levels, levels.codebookSize()));
    out.append(String.format(Locale.ROOT, "%-16s %d%n", "images", images));
    out.append(String.format(Locale.ROOT, "%-16s %d%n", "tokens", tokens));
    out.append(String.format(Locale.ROOT, "%-16s %.2f%% (%d of %d codes, %d dead)%n", "usage", usage * 100,
        usedCodes, levels.codebookSize(), levels.codebookSize() - usedCodes));
    out.append(String.format(Locale.ROOT, "%-16s %.3f bits of %.3f (%.1f%%)%n", "entropy", entropyBits,
        maxEntropyBits(), 100 * entropyBits / maxEntropyBits()));
    out.append(String.format(Locale.ROOT, "%-16s %.1f%n", "perplexity", perplexity));
    if (topCodes.length > 0) {
      out.append(String.format(Locale.ROOT, "%-16s %d (%.2f%% of tokens)%n", "top code", topCodes[0],
          tokens == 0 ? 0 : 100.0 * topCounts[0] / tokens));
    }
    return out.toString();
  }
}

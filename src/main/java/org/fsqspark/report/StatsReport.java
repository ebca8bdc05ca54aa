package org.fsqspark.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import org.fsqspark.fsq.Levels;
import org.fsqspark.model.TokenizerManifest;
import org.fsqspark.stats.ChannelStatistics;
import org.fsqspark.stats.CodebookHistogram;
import org.fsqspark.stats.CompressionCost;
import org.fsqspark.stats.CostModel;
import org.fsqspark.stats.StreamCoder;

/**
 * The figures of one token table, rendered as {@code stats.json} and as a short console table.
 *
 * @param compression real coded sizes, or null when compression was not measured
 * @param unigramHeaderBytes bytes of the histogram header the unigram model transmits once
 */
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
    List<long[]> topCodes,
    ChannelStatistics channels,
    CompressionCost compression,
    long unigramHeaderBytes) {

  /** How many of the most frequent codes are listed. */
  public static final int TOP = 20;
  /** What measured the compression cost, for readers of the report. */
  public static final String CODER = "48-bit range coder (Schindler style, carry propagation, byte output); model"
      + " totals <= 2^24, so rounding costs < 2^-16 bit per symbol";

  public static StatsReport of(String table, TokenizerManifest manifest, Levels levels, long images,
      CodebookHistogram histogram, CompressionCost compression, long unigramHeaderBytes) {
    PriorityQueue<long[]> top = new PriorityQueue<>((a, b) -> a[1] != b[1] ? Long.compare(a[1], b[1])
        : Long.compare(b[0], a[0]));
    histogram.forEachNonZero((code, count) -> {
      top.add(new long[] {code, count});
      if (top.size() > TOP) {
        top.poll();
      }
    });
    List<long[]> sorted = new ArrayList<>(top);
    sorted.sort((a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1]) : Long.compare(a[0], b[0]));
    return new StatsReport(table, manifest == null ? null : manifest.name() + " " + manifest.version(), levels,
        images, histogram.total(), histogram.usedCodes(), histogram.usage(), histogram.entropyBits(),
        histogram.perplexity(), List.copyOf(sorted), ChannelStatistics.of(histogram, levels), compression,
        unigramHeaderBytes);
  }

  /** log2 |C|: the entropy of a uniform code distribution, the most the tokens can carry. */
  public double maxEntropyBits() {
    return Math.log(levels.codebookSize()) / Math.log(2);
  }

  public int deadCodes() {
    return levels.codebookSize() - usedCodes;
  }

  /** Bytes of a model's whole coded output, the unigram header included. */
  public long bytes(CostModel model) {
    if (model == CostModel.FIXED) {
      return StreamCoder.fixedBytes(levels, tokens);
    }
    long bytes = compression.bytes().getOrDefault(model, 0L);
    return model == CostModel.UNIGRAM ? bytes + unigramHeaderBytes : bytes;
  }

  public double bitsPerToken(CostModel model) {
    return tokens == 0 ? 0 : bits(model) / tokens;
  }

  public double bitsPerImage(CostModel model) {
    return images == 0 ? 0 : bits(model) / images;
  }

  /** Coded bits; for raw indices the exact bit count, not rounded up to whole bytes. */
  private double bits(CostModel model) {
    if (model == CostModel.FIXED) {
      return (double) tokens * (32 - Integer.numberOfLeadingZeros(Math.max(1, levels.codebookSize() - 1)));
    }
    return bytes(model) * 8.0;
  }

  public JsonObject toJsonObject() {
    JsonObject root = new JsonObject();
    root.addProperty("table", table);
    root.addProperty("tokenizer", tokenizer);
    root.addProperty("levels", levels.toString());
    root.addProperty("codebook_size", levels.codebookSize());
    root.addProperty("images", images);
    root.addProperty("tokens", tokens);
    root.addProperty("used_codes", usedCodes);
    root.addProperty("dead_codes", deadCodes());
    root.addProperty("usage", usage);
    root.addProperty("entropy_bits", entropyBits);
    root.addProperty("max_entropy_bits", maxEntropyBits());
    root.addProperty("entropy_ratio", entropyBits / maxEntropyBits());
    root.addProperty("perplexity", perplexity);
    JsonArray topArray = new JsonArray();
    int[] digits = new int[levels.channels()];
    for (long[] entry : topCodes) {
      JsonObject code = new JsonObject();
      code.addProperty("index", entry[0]);
      code.addProperty("count", entry[1]);
      code.addProperty("share", tokens == 0 ? 0 : (double) entry[1] / tokens);
      levels.digitsOf((int) entry[0], digits);
      JsonArray digitArray = new JsonArray();
      for (int digit : digits) {
        digitArray.add(digit);
      }
      code.add("digits", digitArray);
      topArray.add(code);
    }
    root.add("top_codes", topArray);
    JsonArray channelArray = new JsonArray();
    for (ChannelStatistics.Channel channel : channels.channels()) {
      JsonObject object = new JsonObject();
      object.addProperty("channel", channel.index());
      object.addProperty("levels", channel.levels());
      JsonArray histogram = new JsonArray();
      for (long count : channel.counts()) {
        histogram.add(count);
      }
      object.add("level_counts", histogram);
      object.addProperty("entropy_bits", channel.entropyBits());
      object.addProperty("max_entropy_bits", channel.maxEntropyBits());
      channelArray.add(object);
    }
    root.add("channels", channelArray);
    root.addProperty("channel_redundancy_bits", channels.redundancyBits());
    if (compression != null) {
      root.add("compression", compressionJson());
    }
    return root;
  }

  private JsonObject compressionJson() {
    JsonObject object = new JsonObject();
    object.addProperty("coder", CODER);
    object.addProperty("streams", compression.streams());
    object.addProperty("verified_tokens", compression.verifiedTokens());
    object.addProperty("all_verified", compression.verifiedTokens() == tokens);
    object.addProperty("unigram_header_bytes", unigramHeaderBytes);
    JsonObject models = new JsonObject();
    for (CostModel model : CostModel.values()) {
      if (!compression.covers(model)) {
        continue;
      }
      JsonObject entry = new JsonObject();
      entry.addProperty("description", model.description());
      String skipped = compression.skipped().get(model);
      if (skipped != null) {
        entry.addProperty("skipped", skipped);
      } else {
        entry.addProperty("bytes", bytes(model));
        entry.addProperty("bits_per_token", bitsPerToken(model));
        entry.addProperty("bits_per_image", bitsPerImage(model));
        double ideal = compression.idealBits(model);
        if (!Double.isNaN(ideal)) {
          entry.addProperty("ideal_bits", ideal);
          entry.addProperty("ideal_bits_per_token", tokens == 0 ? 0 : ideal / tokens);
          entry.addProperty("real_over_ideal", ideal == 0 ? Double.NaN : bytes(model) * 8.0 / ideal);
        }
        long verified = compression.verifiedTokens(model);
        if (verified >= 0) {
          entry.addProperty("verified_tokens", verified);
        }
      }
      if (compression.detail(model) != null) {
        entry.addProperty("setup", compression.detail(model));
      }
      models.add(model.key(), entry);
    }
    object.add("models", models);
    return object;
  }

  public String toJson() {
    return new GsonBuilder().setPrettyPrinting().create().toJson(toJsonObject()) + "\n";
  }

  public String toConsoleTable() {
    StringBuilder out = new StringBuilder();
    line(out, "table", table);
    if (tokenizer != null) {
      line(out, "tokenizer", tokenizer);
    }
    line(out, "levels", levels + " (|C| = " + levels.codebookSize() + ")");
    line(out, "images", Long.toString(images));
    line(out, "tokens", Long.toString(tokens));
    line(out, "usage", String.format(Locale.ROOT, "%.2f%% (%d of %d codes, %d dead)", usage * 100, usedCodes,
        levels.codebookSize(), deadCodes()));
    line(out, "entropy", String.format(Locale.ROOT, "%.3f bits of %.3f (%.1f%%)", entropyBits, maxEntropyBits(),
        100 * entropyBits / maxEntropyBits()));
    line(out, "perplexity", String.format(Locale.ROOT, "%.1f", perplexity));
    StringBuilder perChannel = new StringBuilder();
    for (ChannelStatistics.Channel channel : channels.channels()) {
      perChannel.append(String.format(Locale.ROOT, "%s%.2f/%.2f", perChannel.length() == 0 ? "" : "  ",
          channel.entropyBits(), channel.maxEntropyBits()));
    }
    line(out, "channel entropy", perChannel + " bits; redundancy "
        + String.format(Locale.ROOT, "%.3f", channels.redundancyBits()) + " bits");
    if (!topCodes.isEmpty()) {
      line(out, "top code", String.format(Locale.ROOT, "%d (%.2f%% of tokens)", topCodes.get(0)[0],
          tokens == 0 ? 0 : 100.0 * topCodes.get(0)[1] / tokens));
    }
    if (compression != null) {
      out.append(String.format(Locale.ROOT, "compression cost (bits/token, bits/image, bytes; %s):%n",
          compression.verifiedTokens() == tokens ? "every stream decoded and checked"
              : compression.verifiedTokens() + " of " + tokens + " tokens decoded and checked"));
      for (CostModel model : CostModel.values()) {
        if (!compression.covers(model)) {
          continue;
        }
        String skipped = compression.skipped().get(model);
        double ideal = compression.idealBits(model);
        if (skipped != null) {
          out.append(String.format(Locale.ROOT, "  %-20s skipped: %s%n", model.label(), skipped));
        } else if (!Double.isNaN(ideal)) {
          long verified = compression.verifiedTokens(model);
          out.append(String.format(Locale.ROOT, "  %-20s %7.3f %9.1f %12d   ideal -log2 p %.3f bits/token, real"
                  + " %+.2f%%; %s%n", model.label(), bitsPerToken(model), bitsPerImage(model), bytes(model),
              ideal / tokens, 100 * (bytes(model) * 8.0 / ideal - 1), verified == tokens ? "all decoded and checked"
                  : verified + " tokens decoded and checked"));
        } else {
          out.append(String.format(Locale.ROOT, "  %-20s %7.3f %9.1f %12d%n", model.label(), bitsPerToken(model),
              bitsPerImage(model), bytes(model)));
        }
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String name, String value) {
    out.append(String.format(Locale.ROOT, "%-16s %s%n", name, value));
  }

  /** Model order for charts and tables, with each one's bits per token. */
  public Map<CostModel, Double> bitsPerTokenByModel() {
    Map<CostModel, Double> result = new java.util.LinkedHashMap<>();
    if (compression != null) {
      for (CostModel model : CostModel.values()) {
        if (compression.covers(model) && !compression.skipped().containsKey(model)) {
          result.put(model, bitsPerToken(model));
        }
      }
    }
    return result;
  }
}

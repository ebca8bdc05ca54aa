package org.fsqspark.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.fsqspark.fsq.Levels;

/**
 * The figures of one token table, computed here once from its histogram and coded sizes: usage, entropy,
 * perplexity, the most frequent codes, per-channel statistics, and the cost of every model (the fixed cost of
 * raw indices computed, the others as coded). Reports render these; they compute nothing.
 */
public final class TableStatistics {
  /** How many of the most frequent codes are listed. */
  public static final int TOP = 20;
  /** What measured the compression cost, for readers of the report. */
  public static final String CODER = "48-bit range coder (Schindler style, carry propagation, byte output); model"
      + " totals <= 2^24, so rounding costs < 2^-16 bit per symbol";

  private final String table;
  private final String tokenizer;
  private final Levels levels;
  private final long images;
  private final CodebookHistogram histogram;
  private final CompressionCost compression;
  private final long unigramHeaderBytes;
  private final long tokens;
  private final int usedCodes;
  private final double entropyBits;
  private final List<long[]> topCodes;
  private final ChannelStatistics channels;

  /**
   * @param tokenizer the tokenizer's name and version, or null when the table carries no manifest
   * @param compression real coded sizes, or null when compression was not measured
   * @param unigramHeaderBytes bytes of the histogram header the unigram model transmits once
   */
  public TableStatistics(String table, String tokenizer, Levels levels, long images, CodebookHistogram histogram,
      CompressionCost compression, long unigramHeaderBytes) {
    this.table = table;
    this.tokenizer = tokenizer;
    this.levels = levels;
    this.images = images;
    this.histogram = histogram;
    this.compression = compression;
    this.unigramHeaderBytes = unigramHeaderBytes;
    this.tokens = histogram.total();
    this.usedCodes = histogram.usedCodes();
    this.entropyBits = histogram.entropyBits();
    this.topCodes = mostFrequent(histogram);
    this.channels = ChannelStatistics.of(histogram, levels);
  }

  public String table() {
    return table;
  }

  public String tokenizer() {
    return tokenizer;
  }

  public Levels levels() {
    return levels;
  }

  public long images() {
    return images;
  }

  public long tokens() {
    return tokens;
  }

  public CodebookHistogram histogram() {
    return histogram;
  }

  /** Real coded sizes, or null when compression was not measured. */
  public CompressionCost compression() {
    return compression;
  }

  public long unigramHeaderBytes() {
    return unigramHeaderBytes;
  }

  public int usedCodes() {
    return usedCodes;
  }

  public int deadCodes() {
    return levels.codebookSize() - usedCodes;
  }

  /** Used codes / |C|. */
  public double usage() {
    return (double) usedCodes / levels.codebookSize();
  }

  public double entropyBits() {
    return entropyBits;
  }

  /** log2 |C|: the entropy of a uniform code distribution, the most the tokens can carry. */
  public double maxEntropyBits() {
    return Math.log(levels.codebookSize()) / Math.log(2);
  }

  /** 2^entropy. */
  public double perplexity() {
    return Math.pow(2, entropyBits);
  }

  /** The {@link #TOP} most frequent codes as {@code {code, count}}, most frequent first (ties: lower code first). */
  public List<long[]> topCodes() {
    return topCodes;
  }

  /** A code's share of all tokens. */
  public double share(long count) {
    return tokens == 0 ? 0 : (double) count / tokens;
  }

  public ChannelStatistics channels() {
    return channels;
  }

  /** Bytes of a model's whole coded output, the unigram header included; raw indices packed at ceil(log2 |C|). */
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

  /** Whether every token was decoded back from its coded streams and compared. */
  public boolean allVerified() {
    return compression != null && compression.verifiedTokens() == tokens;
  }

  /** The models that were measured, in report order, with their bits per token. */
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

  /** Coded bits; for raw indices the exact bit count, not rounded up to whole bytes. */
  private double bits(CostModel model) {
    if (model == CostModel.FIXED) {
      return (double) tokens * (32 - Integer.numberOfLeadingZeros(Math.max(1, levels.codebookSize() - 1)));
    }
    return bytes(model) * 8.0;
  }

  private static List<long[]> mostFrequent(CodebookHistogram histogram) {
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
    return List.copyOf(sorted);
  }
}

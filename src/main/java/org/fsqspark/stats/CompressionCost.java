package org.fsqspark.stats;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;

/**
 * Real coded sizes of token streams under each {@link CostModel}, summed over partitions, plus how many
 * tokens were decoded back and compared. Mergeable.
 */
public final class CompressionCost implements Serializable {
  private static final long serialVersionUID = 1L;

  private final EnumMap<CostModel, Long> bytes = new EnumMap<>(CostModel.class);
  private final EnumMap<CostModel, String> skipped = new EnumMap<>(CostModel.class);
  private long tokens;
  private long images;
  private long verifiedTokens;
  private long streams;

  public void addBytes(CostModel model, long count) {
    bytes.merge(model, count, Long::sum);
  }

  public void skip(CostModel model, String reason) {
    skipped.put(model, reason);
  }

  public void addTokens(long count, long imageCount) {
    tokens += count;
    images += imageCount;
  }

  public void addVerified(long count) {
    verifiedTokens += count;
  }

  public void addStream() {
    streams++;
  }

  public CompressionCost merge(CompressionCost other) {
    other.bytes.forEach(this::addBytes);
    skipped.putAll(other.skipped);
    tokens += other.tokens;
    images += other.images;
    verifiedTokens += other.verifiedTokens;
    streams += other.streams;
    return this;
  }

  public Map<CostModel, Long> bytes() {
    return java.util.Collections.unmodifiableMap(bytes);
  }

  public Map<CostModel, String> skipped() {
    return java.util.Collections.unmodifiableMap(skipped);
  }

  public long tokens() {
    return tokens;
  }

  public long images() {
    return images;
  }

  public long verifiedTokens() {
    return verifiedTokens;
  }

  /** Independent coded streams (partitions); each pays its coder's flush once. */
  public long streams() {
    return streams;
  }

  public double bitsPerToken(CostModel model) {
    return tokens == 0 ? 0 : bytes.getOrDefault(model, 0L) * 8.0 / tokens;
  }

  public double bitsPerImage(CostModel model) {
    return images == 0 ? 0 : bytes.getOrDefault(model, 0L) * 8.0 / images;
  }
}

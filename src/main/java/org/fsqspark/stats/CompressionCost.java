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
  private final EnumMap<CostModel, Double> idealBits = new EnumMap<>(CostModel.class);
  private final EnumMap<CostModel, Long> verifiedByModel = new EnumMap<>(CostModel.class);
  private final EnumMap<CostModel, String> details = new EnumMap<>(CostModel.class);
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

  /** The ideal code length, -sum log2 p under the model's float probabilities, of what a model coded. */
  public void addIdealBits(CostModel model, double bits) {
    idealBits.merge(model, bits, Double::sum);
  }

  /** Tokens of one model's streams that were decoded and compared (models measured in their own pass). */
  public void addVerified(CostModel model, long count) {
    verifiedByModel.merge(model, count, Long::sum);
  }

  /** A line saying how a model was set up (e.g. which prior and schedule). */
  public void describe(CostModel model, String text) {
    details.put(model, text);
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
    other.idealBits.forEach(this::addIdealBits);
    other.verifiedByModel.forEach(this::addVerified);
    details.putAll(other.details);
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

  /** Whether a model was measured or skipped with a reason; models that were not asked for are neither. */
  public boolean covers(CostModel model) {
    return model == CostModel.FIXED || bytes.containsKey(model) || skipped.containsKey(model);
  }

  /** The ideal code length in bits of a model that reports one, or NaN. */
  public double idealBits(CostModel model) {
    return idealBits.getOrDefault(model, Double.NaN);
  }

  /** Tokens decoded and compared for a model measured in its own pass, or -1 for the shared count. */
  public long verifiedTokens(CostModel model) {
    return verifiedByModel.getOrDefault(model, -1L);
  }

  /** How a model was set up, or null. */
  public String detail(CostModel model) {
    return details.get(model);
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

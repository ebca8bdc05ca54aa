package org.fsqspark.stats;

import java.util.Locale;

/** The probability models (and general-purpose compressors) token streams are coded under. */
public enum CostModel {
  /** ceil(log2 |C|) bits per token: what storing raw indices costs. */
  FIXED("fixed", "ceil(log2 |C|) bits per token, what raw indices cost"),
  /** Two passes: the global histogram (its header counted), then static coding. */
  UNIGRAM("unigram", "static global histogram, header included"),
  /** Order-0 Laplace counts restarted at every image (one stream per partition). */
  ADAPTIVE_IMAGE("adaptive per image", "order-0 counts learning within each image"),
  /** Order-0 Laplace counts learning over each partition's stream. */
  ADAPTIVE_STREAM("adaptive per stream", "order-0 counts learning over each partition"),
  /** The FSQ-aware spatial context model over each partition's stream. */
  CONTEXT("context", "FSQ digits from left/up/up-left digits and earlier channels"),
  /**
   * A masked-transformer prior (fsq prior train) coding each grid in the M2T schedule's steps; measured only
   * when stats is given {@code --prior}.
   */
  MASKED_TRANSFORMER("masked transformer", "a masked-transformer prior, each grid coded in the M2T schedule's steps"),
  /** zstd level 19 on the tokens packed as little-endian uint16 (uint32 above 65536 codes). */
  ZSTD("zstd -19", "zstd level 19 on little-endian uint16/uint32 tokens"),
  /** xz preset 9 (dictionary capped at the stream's size) on the same packed tokens. */
  XZ("xz -9", "xz preset 9 on little-endian uint16/uint32 tokens, dictionary capped at the stream size");

  private final String label;
  private final String description;

  CostModel(String label, String description) {
    this.label = label;
    this.description = description;
  }

  public String label() {
    return label;
  }

  public String description() {
    return description;
  }

  /** The key in stats.json, e.g. {@code adaptive_image}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}

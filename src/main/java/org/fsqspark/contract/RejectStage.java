package org.fsqspark.contract;

import java.util.Locale;

/**
 * Where a record was rejected; the lower-case name is what the {@code stage} column of a rejects table holds
 * (the table contract: {@code read}, {@code decode}, {@code preprocess}, {@code encode} for tokenize,
 * {@code tokens} for decode).
 */
public enum RejectStage {
  /** The input could not be read: gone, unreadable, larger than an image may be, no image in a sample. */
  READ,
  /** The bytes are not a whole image of a known format, or it declares too many pixels. */
  DECODE,
  /** The decoded image could not be brought to the model's input. */
  PREPROCESS,
  /** The encoder failed on the image, or its output cannot be tokens (non-finite latents, indices out of range). */
  ENCODE,
  /** A token row the decoder cannot use: null or out-of-range tokens, a grid that is not the model's. */
  TOKENS;

  /** The name stored in the rejects table. */
  public String tableName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return tableName();
  }
}

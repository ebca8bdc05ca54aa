package org.fsqspark.stats;

import java.io.ByteArrayOutputStream;

/**
 * A byte-oriented range coder (Schindler / LZMA style, generalised from 32 to 48 bits of range) with carry
 * propagation. A symbol is coded from its cumulative frequency, frequency and the model's total, which
 * may be up to {@link #MAX_TOTAL}. After each renormalisation the range is at least 2^40, so dividing it
 * by a total of at most 2^24 leaves a quotient of at least 2^16: the rounding costs under 2^-16 of a bit
 * per symbol relative to the model's ideal code length.
 */
public final class RangeEncoder {
  /** Largest model total a symbol may be coded against. */
  public static final int MAX_TOTAL = 1 << 24;

  static final int STATE_BITS = 48;
  static final long MASK = (1L << STATE_BITS) - 1;
  static final long BOTTOM = 1L << (STATE_BITS - 8);
  /** Bytes the encoder flushes and the decoder reads first: a leading zero byte plus the 48-bit state. */
  static final int PRELUDE_BYTES = STATE_BITS / 8 + 1;

  private final ByteArrayOutputStream out;
  private long low;
  private long range = MASK;
  private int cache;
  private long cacheSize = 1;
  private boolean finished;

  public RangeEncoder() {
    this(new ByteArrayOutputStream());
  }

  public RangeEncoder(ByteArrayOutputStream out) {
    this.out = out;
  }

  /** Codes a symbol occupying {@code [cumulative, cumulative + frequency)} of {@code total}. */
  public void encode(int cumulative, int frequency, int total) {
    if (frequency <= 0 || cumulative < 0 || cumulative + (long) frequency > total || total > MAX_TOTAL) {
      throw new IllegalArgumentException("Invalid interval [" + cumulative + ", " + cumulative + " + " + frequency
          + ") of total " + total + " (total must be <= " + MAX_TOTAL + ")");
    }
    long r = range / total;
    low += r * cumulative;
    range = r * frequency;
    while (range < BOTTOM) {
      range <<= 8;
      shiftLow();
    }
  }

  /** Codes {@code bits} raw bits (at most 16), each value equally likely. */
  public void encodeBits(int value, int bits) {
    encode(value, 1, 1 << bits);
  }

  private void shiftLow() {
    if ((low & MASK) < 0xFFL << (STATE_BITS - 8) || (low >>> STATE_BITS) != 0) {
      int carry = (int) (low >>> STATE_BITS);
      int pending = cache;
      do {
        out.write((pending + carry) & 0xFF);
        pending = 0xFF;
      } while (--cacheSize != 0);
      cache = (int) ((low & MASK) >>> (STATE_BITS - 8));
    }
    cacheSize++;
    low = (low & (BOTTOM - 1)) << 8;
  }

  /** Flushes the state and returns all bytes written; the encoder cannot be used afterwards. */
  public byte[] finish() {
    if (!finished) {
      for (int i = 0; i < PRELUDE_BYTES; i++) {
        shiftLow();
      }
      finished = true;
    }
    return out.toByteArray();
  }
}

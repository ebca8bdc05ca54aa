package org.fsqspark.stats;

/** Decodes what {@link RangeEncoder} wrote, given the same sequence of models. */
public final class RangeDecoder {
  private final byte[] in;
  private int position;
  private long code;
  private long range = RangeEncoder.MASK;
  private long step;

  public RangeDecoder(byte[] in) {
    this.in = in;
    for (int i = 0; i < RangeEncoder.PRELUDE_BYTES; i++) {
      code = (code << 8) | next();
    }
  }

  /** The cumulative frequency the next symbol falls on, for a model with this total. */
  public int decodeFrequency(int total) {
    step = range / total;
    long value = code / step;
    return (int) Math.min(value, total - 1);
  }

  /** Consumes the symbol found with {@link #decodeFrequency}, occupying {@code [cumulative, +frequency)}. */
  public void consume(int cumulative, int frequency) {
    code -= step * cumulative;
    range = step * frequency;
    while (range < RangeEncoder.BOTTOM) {
      code = (code << 8) | next();
      range <<= 8;
    }
  }

  /** Decodes {@code bits} raw bits written by {@link RangeEncoder#encodeBits}. */
  public int decodeBits(int bits) {
    int value = decodeFrequency(1 << bits);
    consume(value, 1);
    return value;
  }

  private int next() {
    return position < in.length ? in[position++] & 0xFF : 0;
  }
}

package org.fsqspark.stats;

/**
 * A probability model over symbols {@code 0..size-1} as integer frequencies, the form a range coder needs.
 * Adaptive models learn in {@link #update}; encoder and decoder must call it in the same order.
 */
public interface SymbolModel {
  int total();

  int cumulative(int symbol);

  int frequency(int symbol);

  /** The symbol whose interval contains {@code target}, {@code 0 <= target < total()}. */
  int symbolAt(int target);

  /** Learns from a coded symbol; static models do nothing. */
  void update(int symbol);

  /** Codes a symbol with this model and learns from it. */
  default void encode(RangeEncoder encoder, int symbol) {
    encoder.encode(cumulative(symbol), frequency(symbol), total());
    update(symbol);
  }

  /** Decodes a symbol with this model and learns from it. */
  default int decode(RangeDecoder decoder) {
    int symbol = symbolAt(decoder.decodeFrequency(total()));
    decoder.consume(cumulative(symbol), frequency(symbol));
    update(symbol);
    return symbol;
  }
}

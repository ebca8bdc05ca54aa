package org.fsqspark.prior;

import org.fsqspark.stats.RangeDecoder;
import org.fsqspark.stats.RangeEncoder;

/**
 * A predicted distribution over |C| symbols turned into the integer frequencies a range coder needs:
 * {@code 1 + floor(p / sum(p) * (2^24 - 2|C|))} per symbol, so every symbol stays codable and the total
 * stays within {@link RangeEncoder#MAX_TOTAL}. Only IEEE arithmetic on the float probabilities, in a fixed
 * order, so an encoder and a decoder that see the same floats build the same table. Against the ideal
 * -log2 p, the floor and the +1 cost at most about 2|C| / 2^24 of the range: under 0.0002 bit per token for
 * |C| = 1000.
 */
final class QuantisedDistribution {
  private final int[] cumulative;

  QuantisedDistribution(int symbols) {
    if (symbols < 1 || symbols >= RangeEncoder.MAX_TOTAL / 2) {
      throw new IllegalArgumentException("A coded distribution needs 1 to " + (RangeEncoder.MAX_TOTAL / 2 - 1)
          + " symbols, got " + symbols);
    }
    this.cumulative = new int[symbols + 1];
  }

  /** Fills the table from {@code probabilities[offset .. offset + symbols)}. */
  void set(float[] probabilities, int offset) {
    int symbols = cumulative.length - 1;
    double mass = 0;
    for (int s = 0; s < symbols; s++) {
      float p = probabilities[offset + s];
      mass += p > 0 ? p : 0;
    }
    // Softmax in float32 sums to 1 only within rounding; normalising (with room to spare) keeps the total
    // under the coder's limit whatever that rounding was.
    double scale = mass > 0 ? (RangeEncoder.MAX_TOTAL - 2.0 * symbols) / mass : 0;
    int sum = 0;
    for (int s = 0; s < symbols; s++) {
      float p = probabilities[offset + s];
      // NaN or negative probabilities would make an uncodable table; they become the minimum frequency.
      int frequency = 1 + (p > 0 ? (int) Math.floor(p * scale) : 0);
      sum += frequency;
      cumulative[s + 1] = sum;
    }
    if (sum > RangeEncoder.MAX_TOTAL) {
      throw new IllegalStateException("Quantised frequencies total " + sum + ", over " + RangeEncoder.MAX_TOTAL);
    }
  }

  /** The coded probability of a symbol: its frequency over the total. */
  double probability(int symbol) {
    return (cumulative[symbol + 1] - cumulative[symbol]) / (double) total();
  }

  int total() {
    return cumulative[cumulative.length - 1];
  }

  void encode(RangeEncoder encoder, int symbol) {
    encoder.encode(cumulative[symbol], cumulative[symbol + 1] - cumulative[symbol], total());
  }

  int decode(RangeDecoder decoder) {
    int target = decoder.decodeFrequency(total());
    int low = 0;
    int high = cumulative.length - 2;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (cumulative[middle] <= target) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    decoder.consume(cumulative[low], cumulative[low + 1] - cumulative[low]);
    return low;
  }
}

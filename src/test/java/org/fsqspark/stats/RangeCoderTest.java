package org.fsqspark.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class RangeCoderTest {
  /** Bits the coder may spend beyond the model's ideal code length: its 7-byte flush, and a byte of rounding. */
  private static final double SLACK_BITS = 64;

  @Test
  void staticCostIsWithinATenthOfAPercentOfNTimesTheEntropy() {
    Random random = new Random(1);
    for (int[] stream : new int[][] {
        uniform(random, 1_000_000, 1000), geometric(random, 1_000_000, 0.3, 4096), geometric(random, 2_000_000, 0.02, 64000)}) {
      long[] counts = counts(stream, max(stream) + 1);
      StaticModel model = new StaticModel(counts);
      byte[] coded = encode(stream, i -> model);
      double entropyBits = stream.length * entropy(counts);
      assertThat(coded.length * 8.0).isBetween(entropyBits - SLACK_BITS, entropyBits * 1.001 + SLACK_BITS);
      assertRoundTrip(stream, decode(coded, stream.length, i -> model));
    }
  }

  @Test
  void staticModelScalesCountsBeyondTheCoderTotal() {
    // 30 million symbols: one dominant, a few rare; frequencies must be scaled to fit 2^24.
    int n = 30_000_000;
    int[] stream = new int[n];
    for (int i = 0; i < n; i += 1_000_003) {
      stream[i] = 1 + (i % 5);
    }
    long[] counts = counts(stream, 6);
    StaticModel model = new StaticModel(counts);
    assertThat(model.total()).isLessThanOrEqualTo(RangeEncoder.MAX_TOTAL);
    byte[] coded = encode(stream, i -> model);
    assertRoundTrip(stream, decode(coded, n, i -> model));
    assertThat(coded.length * 8.0).isLessThan(n * entropy(counts) * 1.001 + 8 * 64);
  }

  @Test
  void adaptiveCostStaysBetweenEntropyAndTheLaplaceBound() {
    Random random = new Random(2);
    for (int[] stream : new int[][] {
        uniform(random, 200_000, 1000), geometric(random, 300_000, 0.2, 1000), constant(100_000, 7),
        uniform(random, 49, 1000), alternatingExtremes(100_000, 64000)}) {
      int size = Math.max(1000, max(stream) + 1);
      byte[] coded = encode(stream, i -> null, new AdaptiveModel(size));
      long[] counts = counts(stream, size);
      double nh = stream.length * entropy(counts);
      double bound = nh + log2Binomial(stream.length + size - 1, stream.length);
      assertThat(coded.length * 8.0).as("size %d, n %d", size, stream.length)
          .isBetween(nh - SLACK_BITS, bound + stream.length * Math.pow(2, -15) + SLACK_BITS);
      assertRoundTrip(stream, decode(coded, stream.length, i -> null, new AdaptiveModel(size)));
    }
  }

  @Test
  void singleSymbolStreamsCostAlmostNothing() {
    int[] stream = constant(1_000_000, 3);
    StaticModel model = new StaticModel(counts(stream, 4));
    byte[] coded = encode(stream, i -> model);
    assertThat(coded.length).isLessThanOrEqualTo(RangeEncoder.PRELUDE_BYTES + 1);
    assertRoundTrip(stream, decode(coded, stream.length, i -> model));
  }

  @Test
  void adversarialIntervalsRoundTrip() {
    // Symbols of frequency 1 next to one of frequency total - 2, at both ends; long carries (0xFF runs).
    long[] counts = new long[1 << 16];
    counts[0] = 1;
    counts[counts.length - 1] = 1;
    counts[counts.length / 2] = RangeEncoder.MAX_TOTAL - 2;
    StaticModel model = new StaticModel(counts);
    Random random = new Random(3);
    int[] stream = new int[500_000];
    for (int i = 0; i < stream.length; i++) {
      int pick = random.nextInt(100);
      stream[i] = pick == 0 ? 0 : pick == 1 ? counts.length - 1 : counts.length / 2;
    }
    assertRoundTrip(stream, decode(encode(stream, i -> model), stream.length, i -> model));
    RangeEncoder encoder = new RangeEncoder();
    for (int i = 0; i < 100_000; i++) {
      encoder.encode(RangeEncoder.MAX_TOTAL - 1, 1, RangeEncoder.MAX_TOTAL);
    }
    RangeDecoder decoder = new RangeDecoder(encoder.finish());
    for (int i = 0; i < 100_000; i++) {
      assertThat(decoder.decodeFrequency(RangeEncoder.MAX_TOTAL)).isEqualTo(RangeEncoder.MAX_TOTAL - 1);
      decoder.consume(RangeEncoder.MAX_TOTAL - 1, 1);
    }
  }

  @Test
  void invalidIntervalsAreRefused() {
    RangeEncoder encoder = new RangeEncoder();
    assertThatThrownBy(() -> encoder.encode(5, 0, 10)).hasMessageContaining("Invalid interval");
    assertThatThrownBy(() -> encoder.encode(0, 1, RangeEncoder.MAX_TOTAL + 1)).hasMessageContaining("must be <=");
    assertThatThrownBy(() -> new StaticModel(new long[] {0, 5}).frequency(0)).hasMessageContaining("no frequency");
  }

  /** Compares without AssertJ's element-wise diff, which is quadratic on million-symbol streams. */
  static void assertRoundTrip(int[] expected, int[] actual) {
    int mismatch = java.util.Arrays.mismatch(expected, actual);
    assertThat(mismatch).as("first differing position (of %d)", expected.length).isEqualTo(-1);
  }

  static byte[] encode(int[] stream, IntFunction<SymbolModel> models) {
    return encode(stream, models, null);
  }

  static byte[] encode(int[] stream, IntFunction<SymbolModel> models, SymbolModel shared) {
    RangeEncoder encoder = new RangeEncoder();
    for (int i = 0; i < stream.length; i++) {
      SymbolModel model = shared != null ? shared : models.apply(i);
      model.encode(encoder, stream[i]);
    }
    return encoder.finish();
  }

  static int[] decode(byte[] coded, int n, IntFunction<SymbolModel> models) {
    return decode(coded, n, models, null);
  }

  static int[] decode(byte[] coded, int n, IntFunction<SymbolModel> models, SymbolModel shared) {
    RangeDecoder decoder = new RangeDecoder(coded);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      SymbolModel model = shared != null ? shared : models.apply(i);
      out[i] = model.decode(decoder);
    }
    return out;
  }

  static long[] counts(int[] stream, int size) {
    long[] counts = new long[size];
    for (int symbol : stream) {
      counts[symbol]++;
    }
    return counts;
  }

  static double entropy(long[] counts) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / n;
        h -= p * Math.log(p) / Math.log(2);
      }
    }
    return h;
  }

  static double log2Binomial(long n, long k) {
    double sum = 0;
    for (long i = 1; i <= k; i++) {
      sum += Math.log((double) (n - k + i) / i);
    }
    return sum / Math.log(2);
  }

  private static int[] uniform(Random random, int n, int size) {
    int[] stream = new int[n];
    for (int i = 0; i < n; i++) {
      stream[i] = random.nextInt(size);
    }
    return stream;
  }

  private static int[] geometric(Random random, int n, double p, int size) {
    int[] stream = new int[n];
    for (int i = 0; i < n; i++) {
      int value = (int) (Math.log(1 - random.nextDouble()) / Math.log(1 - p));
      stream[i] = Math.min(size - 1, value);
    }
    return stream;
  }

  private static int[] constant(int n, int symbol) {
    int[] stream = new int[n];
    java.util.Arrays.fill(stream, symbol);
    return stream;
  }

  private static int[] alternatingExtremes(int n, int size) {
    int[] stream = new int[n];
    for (int i = 0; i < n; i++) {
      stream[i] = i % 2 == 0 ? 0 : size - 1;
    }
    return stream;
  }

  private static int max(int[] stream) {
    int max = 0;
    for (int s : stream) {
      max = Math.max(max, s);
    }
    return max;
  }
}

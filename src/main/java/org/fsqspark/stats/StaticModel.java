package org.fsqspark.stats;

import java.util.Arrays;

/**
 * Fixed frequencies from counts (the two-pass "unigram" model). Counts whose sum exceeds what the coder
 * accepts are scaled down, every used symbol keeping a frequency of at least 1.
 */
public final class StaticModel implements SymbolModel {
  private final int[] cumulative;

  /** A model over {@code counts.length} symbols; symbols with count 0 cannot be coded. */
  public StaticModel(long[] counts) {
    long sum = 0;
    int used = 0;
    for (long count : counts) {
      if (count < 0) {
        throw new IllegalArgumentException("Counts must be >= 0, got " + count);
      }
      sum += count;
      used += count > 0 ? 1 : 0;
    }
    if (sum == 0) {
      throw new IllegalArgumentException("A static model needs at least one symbol with a count");
    }
    long budget = RangeEncoder.MAX_TOTAL - used;
    cumulative = new int[counts.length + 1];
    for (int s = 0; s < counts.length; s++) {
      long frequency = counts[s];
      if (sum > RangeEncoder.MAX_TOTAL && frequency > 0) {
        frequency = 1 + frequency * budget / sum;
      }
      cumulative[s + 1] = (int) (cumulative[s] + frequency);
    }
  }

  @Override
  public int total() {
    return cumulative[cumulative.length - 1];
  }

  @Override
  public int cumulative(int symbol) {
    return cumulative[symbol];
  }

  @Override
  public int frequency(int symbol) {
    int frequency = cumulative[symbol + 1] - cumulative[symbol];
    if (frequency == 0) {
      throw new IllegalArgumentException("Symbol " + symbol + " has no frequency in this static model");
    }
    return frequency;
  }

  @Override
  public int symbolAt(int target) {
    int index = Arrays.binarySearch(cumulative, target + 1);
    int upper = index >= 0 ? index : -index - 1;
    // The first boundary above target; walk back over zero-width intervals to the owning symbol.
    int symbol = upper - 1;
    while (cumulative[symbol] > target) {
      symbol--;
    }
    return symbol;
  }

  @Override
  public void update(int symbol) {
  }
}

package org.fsqspark.stats;

/**
 * Order-0 adaptive frequencies with the Laplace estimator: every symbol starts at 1 and gains 1 each time it
 * is coded, so symbol s is coded with probability (n_s + 1) / (n + K). Being a Bayesian mixture of i.i.d.
 * sources, its code length on any sequence is at least the sequence's n * H (empirical entropy) and at
 * most n * H + log2 C(n + K - 1, n). Cumulative counts live in a Fenwick tree (O(log K) per symbol).
 */
public final class AdaptiveModel implements SymbolModel {
  private final int size;
  private final int[] tree;
  private final int[] counts;
  private int total;
  /** Symbols updated since the last reset, so a reset costs O(updates log K), not O(K). */
  private int[] touched = new int[64];
  private int touchedCount;

  public AdaptiveModel(int size) {
    if (size <= 0 || size >= RangeEncoder.MAX_TOTAL) {
      throw new IllegalArgumentException("Adaptive models take 1.." + (RangeEncoder.MAX_TOTAL - 1) + " symbols, got "
          + size);
    }
    this.size = size;
    this.tree = new int[size + 1];
    this.counts = new int[size];
    for (int s = 0; s < size; s++) {
      counts[s] = 1;
      int i = s + 1;
      tree[i] += 1;
      int parent = i + (i & -i);
      if (parent <= size) {
        tree[parent] += tree[i];
      }
    }
    this.total = size;
  }

  /** Whether another symbol can be learned without the total passing what the coder accepts. */
  public boolean hasRoom() {
    return total < RangeEncoder.MAX_TOTAL;
  }

  @Override
  public int total() {
    return total;
  }

  @Override
  public int cumulative(int symbol) {
    int sum = 0;
    for (int i = symbol; i > 0; i -= i & -i) {
      sum += tree[i];
    }
    return sum;
  }

  @Override
  public int frequency(int symbol) {
    return counts[symbol];
  }

  @Override
  public int symbolAt(int target) {
    int position = 0;
    int remaining = target;
    for (int step = Integer.highestOneBit(size); step > 0; step >>= 1) {
      int next = position + step;
      if (next <= size && tree[next] <= remaining) {
        position = next;
        remaining -= tree[next];
      }
    }
    return position;
  }

  @Override
  public void update(int symbol) {
    if (counts[symbol] == 1) {
      if (touchedCount == touched.length) {
        touched = java.util.Arrays.copyOf(touched, touched.length * 2);
      }
      touched[touchedCount++] = symbol;
    }
    counts[symbol]++;
    total++;
    add(symbol, 1);
  }

  /** Forgets everything learned: back to every symbol at 1, as new. */
  public void reset() {
    for (int t = 0; t < touchedCount; t++) {
      int symbol = touched[t];
      add(symbol, 1 - counts[symbol]);
      counts[symbol] = 1;
    }
    touchedCount = 0;
    total = size;
  }

  private void add(int symbol, int delta) {
    for (int i = symbol + 1; i <= size; i += i & -i) {
      tree[i] += delta;
    }
  }
}

package org.fsqspark.stats;

import java.io.Serializable;
import org.fsqspark.error.BadDataException;

/**
 * Exact counts of every token index of a codebook, merged element-wise so partitions can count on their own
 * and combine in any order. Codebooks up to {@link #DENSE_LIMIT} codes use a dense array; larger ones count
 * only the codes that occur, in an open-addressing hash table.
 */
public final class CodebookHistogram implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Largest codebook counted in a dense array (8 MB of counters per partition). */
  public static final int DENSE_LIMIT = 1 << 20;

  /** Receives the codes with a non-zero count, in increasing code order. */
  @FunctionalInterface
  public interface CodeCounts {
    void accept(int code, long count);
  }

  private final int codebookSize;
  private final long[] dense;
  private SparseCounts sparse;

  public CodebookHistogram(int codebookSize) {
    if (codebookSize <= 0) {
      throw new IllegalArgumentException("Codebook size must be positive, got " + codebookSize);
    }
    this.codebookSize = codebookSize;
    this.dense = codebookSize <= DENSE_LIMIT ? new long[codebookSize] : null;
    this.sparse = dense == null ? new SparseCounts() : null;
  }

  /** Counts each token; throws on an index outside the codebook rather than miscounting it. */
  public void addAll(int[] tokens) {
    for (int token : tokens) {
      add(token);
    }
  }

  /** Counts one token. */
  public void add(int token) {
    if (token < 0 || token >= codebookSize) {
      throw new BadDataException(
          "Token " + token + " is outside the codebook 0.." + (codebookSize - 1));
    }
    if (dense != null) {
      dense[token]++;
    } else {
      sparse.add(token, 1);
    }
  }

  /** Adds another histogram's counts into this one and returns this. */
  public CodebookHistogram merge(CodebookHistogram other) {
    if (other.codebookSize != codebookSize) {
      throw new IllegalArgumentException(
          "Cannot merge histograms of " + codebookSize + " and " + other.codebookSize + " codes");
    }
    if (dense != null) {
      for (int i = 0; i < dense.length; i++) {
        dense[i] += other.dense[i];
      }
    } else {
      other.sparse.forEach((code, count) -> sparse.add(code, count));
    }
    return this;
  }

  public int codebookSize() {
    return codebookSize;
  }

  /** Whether the counts are kept in a dense array. */
  public boolean isDense() {
    return dense != null;
  }

  public long count(int token) {
    return dense != null ? dense[token] : sparse.get(token);
  }

  /** All counts (a copy); only for dense histograms. */
  public long[] counts() {
    if (dense == null) {
      throw new IllegalStateException("A sparse histogram of " + codebookSize + " codes has no dense counts");
    }
    return dense.clone();
  }

  /** Visits the codes that occur, in increasing order. */
  public void forEachNonZero(CodeCounts visitor) {
    if (dense != null) {
      for (int i = 0; i < dense.length; i++) {
        if (dense[i] > 0) {
          visitor.accept(i, dense[i]);
        }
      }
    } else {
      int[] codes = sparse.sortedKeys();
      for (int code : codes) {
        visitor.accept(code, sparse.get(code));
      }
    }
  }

  public long total() {
    long[] total = new long[1];
    forEachNonZero((code, count) -> total[0] += count);
    return total[0];
  }

  /** Codes seen at least once. */
  public int usedCodes() {
    int[] used = new int[1];
    forEachNonZero((code, count) -> used[0]++);
    return used[0];
  }

  /** Fraction of the codebook used at least once. */
  public double usage() {
    return (double) usedCodes() / codebookSize;
  }

  /** Shannon entropy in bits of the empirical token distribution; 0 for an empty histogram. */
  public double entropyBits() {
    long total = total();
    if (total == 0) {
      return 0;
    }
    double[] entropy = new double[1];
    forEachNonZero((code, count) -> {
      double p = (double) count / total;
      entropy[0] -= p * Math.log(p);
    });
    return entropy[0] / Math.log(2);
  }

  /** 2^entropy: the number of equally likely codes with the same entropy. */
  public double perplexity() {
    return Math.pow(2, entropyBits());
  }

  /** The counts of the codes that occur, in ascending order (what a rank-frequency plot draws from the end). */
  public long[] sortedCounts() {
    long[] counts = new long[usedCodes()];
    int[] n = new int[1];
    forEachNonZero((code, count) -> counts[n[0]++] = count);
    java.util.Arrays.sort(counts);
    return counts;
  }

  /**
   * How many codes occur how often: element 0 counts the dead codes, element 1 + b the codes that occur
   * 2^b .. 2^(b+1)-1 times; trailing empty buckets are cut, but at least two are kept.
   */
  public long[] occurrenceBuckets() {
    long[] buckets = new long[64];
    buckets[0] = codebookSize - usedCodes();
    forEachNonZero((code, count) -> buckets[1 + 63 - Long.numberOfLeadingZeros(count)]++);
    int used = 2;
    for (int b = 0; b < buckets.length; b++) {
      if (buckets[b] > 0) {
        used = Math.max(used, b + 1);
      }
    }
    return java.util.Arrays.copyOf(buckets, used);
  }

  /** An int to long map with open addressing, for the codes of very large codebooks. */
  static final class SparseCounts implements Serializable {
    private static final long serialVersionUID = 1L;
    private int[] keys = new int[1024];
    private long[] values = new long[1024];
    private boolean[] used = new boolean[1024];
    private int size;

    void add(int key, long delta) {
      if (size * 2 >= keys.length) {
        grow();
      }
      int slot = find(key);
      if (!used[slot]) {
        used[slot] = true;
        keys[slot] = key;
        size++;
      }
      values[slot] += delta;
    }

    long get(int key) {
      int slot = find(key);
      return used[slot] ? values[slot] : 0;
    }

    void forEach(CodeCounts visitor) {
      for (int i = 0; i < keys.length; i++) {
        if (used[i]) {
          visitor.accept(keys[i], values[i]);
        }
      }
    }

    int[] sortedKeys() {
      int[] sorted = new int[size];
      int n = 0;
      for (int i = 0; i < keys.length; i++) {
        if (used[i]) {
          sorted[n++] = keys[i];
        }
      }
      java.util.Arrays.sort(sorted);
      return sorted;
    }

    private int find(int key) {
      int mask = keys.length - 1;
      int slot = (key * 0x9E3779B9) >>> 1 & mask;
      while (used[slot] && keys[slot] != key) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }

    private void grow() {
      int[] oldKeys = keys;
      long[] oldValues = values;
      boolean[] oldUsed = used;
      keys = new int[oldKeys.length * 2];
      values = new long[oldKeys.length * 2];
      used = new boolean[oldKeys.length * 2];
      size = 0;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldUsed[i]) {
          add(oldKeys[i], oldValues[i]);
        }
      }
    }
  }
}

package org.fsqspark.io.export;

import java.io.Serializable;

/**
 * Where a row goes in the export's global order: its split first (train, validation, rejects), then its
 * {@link ShuffleKey}, then its id, which breaks the (rare) ties of the 64-bit key so that the order is total
 * and the same on every run.
 */
public record ExportKey(int split, long shuffle, String id) implements Comparable<ExportKey>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The key of a row with {@code id} in {@code split} under {@code seed}. */
  public static ExportKey of(Split split, long seed, String id) {
    return new ExportKey(split.ordinal(), ShuffleKey.of(seed, id, null), id);
  }

  @Override
  public int compareTo(ExportKey other) {
    int bySplit = Integer.compare(split, other.split);
    if (bySplit != 0) {
      return bySplit;
    }
    int byShuffle = Long.compare(shuffle, other.shuffle);
    return byShuffle != 0 ? byShuffle : id.compareTo(other.id);
  }
}

package org.fsqspark.io.export;

import java.io.Serializable;

/**
 * Where a row goes in the export's global order: its split first (train, validation, rejects), then its
 * {@link ShuffleKey}, then its id and variant, which break the (rare) ties of the 64-bit key so that the order
 * is total and the same on every run.
 *
 * @param variant the row's augmentation variant, or null in a table without variants
 */
public record ExportKey(int split, long shuffle, String id, String variant) implements Comparable<ExportKey>,
    Serializable {
  private static final long serialVersionUID = 1L;

  /** The key of a row with {@code id} in {@code split} under {@code seed}. */
  public static ExportKey of(Split split, long seed, String id) {
    return of(split, seed, id, null);
  }

  /** The key of the row of {@code id} and {@code variant} (null: a table without variants). */
  public static ExportKey of(Split split, long seed, String id, String variant) {
    return new ExportKey(split.ordinal(), ShuffleKey.of(seed, id, variant), id, variant);
  }

  @Override
  public int compareTo(ExportKey other) {
    int bySplit = Integer.compare(split, other.split);
    if (bySplit != 0) {
      return bySplit;
    }
    int byShuffle = Long.compare(shuffle, other.shuffle);
    if (byShuffle != 0) {
      return byShuffle;
    }
    int byId = id.compareTo(other.id);
    if (byId != 0 || java.util.Objects.equals(variant, other.variant)) {
      return byId;
    }
    return variant == null ? -1 : other.variant == null ? 1 : variant.compareTo(other.variant);
  }
}

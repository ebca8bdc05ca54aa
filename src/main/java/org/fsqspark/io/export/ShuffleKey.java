package org.fsqspark.io.export;

import java.nio.charset.StandardCharsets;

/**
 * The position of a row in a seeded shuffle: a 64-bit hash of the seed, the row's {@code id} and its
 * {@code variant} (FNV-1a over the UTF-8 bytes, then MurmurHash3's 64-bit finaliser so that every input bit
 * moves every output bit). Sorting rows by it gives a random order that depends only on the seed and on each
 * row's own key: the same table and seed always give the same order, on any cluster and any partitioning,
 * and a row's place relative to another never depends on what else is in the table.
 */
public final class ShuffleKey {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  /** Between id and variant: a byte that UTF-8 never contains, so ("ab", "c") and ("a", "bc") differ. */
  private static final int SEPARATOR = 0xFF;

  private ShuffleKey() {}

  /** The shuffle key of a row; {@code variant} may be null (a table without variants). */
  public static long of(long seed, String id, String variant) {
    long hash = FNV_OFFSET ^ mix(seed);
    hash = add(hash, id.getBytes(StandardCharsets.UTF_8));
    if (variant != null) {
      hash = (hash ^ SEPARATOR) * FNV_PRIME;
      hash = add(hash, variant.getBytes(StandardCharsets.UTF_8));
    }
    return mix(hash);
  }

  private static long add(long hash, byte[] bytes) {
    for (byte b : bytes) {
      hash = (hash ^ (b & 0xFF)) * FNV_PRIME;
    }
    return hash;
  }

  /** MurmurHash3's fmix64. */
  private static long mix(long value) {
    long z = value;
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}

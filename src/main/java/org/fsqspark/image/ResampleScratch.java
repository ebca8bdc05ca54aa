package org.fsqspark.image;

/**
 * Working arrays of one thread's resampling, kept from one image to the next up to 1 MiB each, so preprocessing
 * a photo allocates (and zeroes) nothing; larger ones are allocated per image and left to the collector. Every
 * user overwrites what it reads.
 */
final class ResampleScratch {
  private static final int KEEP_BYTES = 1 << 20;
  private static final ThreadLocal<ResampleScratch> OF_THREAD = ThreadLocal.withInitial(ResampleScratch::new);

  private float[] floats = new float[0];
  private long[] longs = new long[0];
  private long[] moreLongs = new long[0];

  private ResampleScratch() {}

  static ResampleScratch ofThisThread() {
    return OF_THREAD.get();
  }

  /** At least {@code n} floats, contents undefined. */
  float[] floats(int n) {
    if (n > floats.length) {
      if (4L * n > KEEP_BYTES) {
        return new float[n];
      }
      floats = new float[n];
    }
    return floats;
  }

  /** At least {@code n} longs, contents undefined. */
  long[] longs(int n) {
    if (n > longs.length) {
      if (8L * n > KEEP_BYTES) {
        return new long[n];
      }
      longs = new long[n];
    }
    return longs;
  }

  /** At least {@code n} longs apart from {@link #longs}, contents undefined. */
  long[] moreLongs(int n) {
    if (n > moreLongs.length) {
      if (8L * n > KEEP_BYTES) {
        return new long[n];
      }
      moreLongs = new long[n];
    }
    return moreLongs;
  }
}

package org.fsqspark.io;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * One unit of work and of resume: a run of image files, one Parquet file or one tar. Its output is
 * committed as a whole ({@code part-NNNNN.parquet}), so a re-run skips it or redoes it, never half of it.
 */
public record Shard(int index, InputFormat format, List<InputListing.Entry> files) implements Serializable {
  public Shard {
    if (index < 0) {
      throw new IllegalArgumentException("Shard index must be >= 0, got " + index);
    }
    if (files == null || files.isEmpty()) {
      throw new IllegalArgumentException("Shard " + index + " has no files");
    }
    files = List.copyOf(files);
  }

  /** The file name stem of this shard's outputs, e.g. {@code part-00042}. */
  public String name() {
    return String.format(Locale.ROOT, "part-%05d", index);
  }

  /** Bytes of input in this shard. */
  public long bytes() {
    return files.stream().mapToLong(InputListing.Entry::length).sum();
  }
}

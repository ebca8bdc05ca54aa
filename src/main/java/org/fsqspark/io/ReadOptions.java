package org.fsqspark.io;

import java.io.Serializable;
import java.util.List;

/**
 * How to read records: the image and id columns of Parquet input, the passthrough columns to copy into
 * the token table (with their types, resolved on the driver), and the largest encoded image accepted.
 */
public record ReadOptions(String imageColumn, String idColumn, List<Column> passthrough, long maxImageBytes)
    implements Serializable {
  /** Encoded images larger than this are rejected unread: no real image file needs 1 GiB. */
  public static final long DEFAULT_MAX_IMAGE_BYTES = 1L << 30;

  public ReadOptions {
    passthrough = List.copyOf(passthrough);
    if (maxImageBytes <= 0) {
      throw new IllegalArgumentException("maximum image bytes must be positive, got " + maxImageBytes);
    }
  }
}

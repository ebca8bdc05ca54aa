package org.fsqspark.io.export;

import java.io.Serializable;
import java.util.List;

/**
 * One committed output shard, as the driver reports and records it.
 *
 * @param split the split it belongs to
 * @param file its number within the split
 * @param rows rows it holds
 * @param names its files relative to the output, the main file last
 * @param bytes their sizes
 * @param resumed whether an earlier run had committed it
 */
public record ExportedShard(Split split, int file, long rows, List<String> names, List<Long> bytes, boolean resumed)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public ExportedShard {
    names = List.copyOf(names);
    bytes = List.copyOf(bytes);
  }

  /** All its files' bytes. */
  public long totalBytes() {
    return bytes.stream().mapToLong(Long::longValue).sum();
  }

  /** The main file's bytes (the Parquet file, or the tokens of a bin shard). */
  public long mainBytes() {
    return bytes.get(bytes.size() - 1);
  }
}

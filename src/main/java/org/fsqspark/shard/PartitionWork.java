package org.fsqspark.shard;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;

/**
 * What one task does with one partition of rows that a shuffle brought together, e.g. the rows of one export
 * file in rank order: the counterpart of {@link ShardWork} for the jobs whose shards exist only after a shuffle.
 * Output goes through a commit, so a retried attempt never leaves half a partition behind.
 *
 * @param <T> one row
 * @param <R> what the driver learns from one partition
 */
public interface PartitionWork<T, R extends Serializable> extends Serializable {
  /** Processes partition {@code partition}'s rows on an executor and commits its output; throws to fail the attempt. */
  R process(int partition, Iterator<T> rows, ShardContext context) throws IOException;
}

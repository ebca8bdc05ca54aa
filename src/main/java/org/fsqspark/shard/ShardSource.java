package org.fsqspark.shard;

import java.io.IOException;
import java.io.Serializable;

/**
 * What one task reads from one shard when a job's rows must meet across shards before they are written (export's
 * global shuffle): the runner opens each shard on an executor, hands its rows to Spark's shuffle, and closes them
 * when the task ends. Written without Spark, like {@link ShardWork}.
 *
 * @param <S> the shard: small and serializable, it names the rows (a part file), it does not hold them
 * @param <T> one row
 */
public interface ShardSource<S extends Serializable, T> extends Serializable {
  /** The shard's rows, read one at a time; a row that cannot be read is a row too (a reject), not a failure. */
  Rows<T> open(S shard, ShardContext context) throws IOException;

  /** The rows of one open shard. */
  interface Rows<T> extends java.util.Iterator<T>, AutoCloseable {
    @Override
    void close();
  }
}

package org.fsqspark.shard;

import java.io.IOException;
import java.io.Serializable;

/**
 * What one task does with one shard of a sharded job, written without Spark: tokenize a run of images, decode
 * a part file of tokens, code a part file under a prior. The job's runner ships it to the executors, calls it
 * once per shard attempt and collects the results on the driver. Output goes through a {@link ShardCommit}, so
 * a retried or killed attempt never leaves half a shard behind and a re-run can skip the committed ones.
 *
 * @param <S> the shard: small and serializable, it names the work (files, a part file), it does not hold it
 * @param <R> what the driver learns from one shard: counts, whether this attempt committed
 */
public interface ShardWork<S extends Serializable, R extends Serializable> extends Serializable {
  /** Processes one shard on an executor and commits its output; throws to fail the attempt. */
  R process(S shard, ShardContext context) throws IOException;
}

package org.fsqspark.shard;

import java.io.Serializable;
import java.util.List;

/**
 * Shards of a run that a thread of the driver works on beside the run's tasks (tokenize's head start in local
 * mode). The runner adds its counters to the progress lines and, once the tasks are done, its results to theirs;
 * the shards it could not finish are run as tasks.
 *
 * @param <S> the shard
 * @param <R> what the driver learns from one shard
 */
public interface DriverShards<S extends Serializable, R extends Serializable> {
  /** A counter's value over the shards this thread has worked on so far. */
  long count(String counter);

  /** Stops taking shards, waits for the one in hand, and returns what was committed and what failed. */
  Done<S, R> finish();

  /** The results of the shards the thread committed, and the shards it claimed but failed. */
  record Done<S, R>(List<R> results, List<S> failed) {
    public Done {
      results = List.copyOf(results);
      failed = List.copyOf(failed);
    }
  }
}

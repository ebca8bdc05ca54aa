package org.fsqspark.jobs;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.util.LongAccumulator;
import org.fsqspark.shard.ShardContext;

/** A {@link ShardContext} on a Spark task (or, without one, on the driver's thread: attempt 0, one core). */
record SparkShardContext(TaskContext task, Configuration hadoop, Map<String, LongAccumulator> counters, String gpu)
    implements ShardContext {
  @Override
  public long attempt() {
    return task == null ? 0 : task.taskAttemptId();
  }

  @Override
  public int cpus() {
    return task == null ? 1 : task.cpus();
  }

  @Override
  public void add(String counter, long amount) {
    LongAccumulator accumulator = counters.get(counter);
    if (accumulator == null) {
      throw new IllegalArgumentException("Counter " + counter + " was not declared; the runner has " + counters.keySet());
    }
    accumulator.add(amount);
  }

  @Override
  public void stopIfKilled() {
    if (task != null && task.isInterrupted()) {
      throw new TaskKilledException("the job was cancelled");
    }
  }
}

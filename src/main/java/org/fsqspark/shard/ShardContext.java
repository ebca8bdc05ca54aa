package org.fsqspark.shard;

import org.apache.hadoop.conf.Configuration;

/** What a {@link ShardWork} may ask of the task that runs it; the Spark runner implements it on executors. */
public interface ShardContext {
  /** The job's Hadoop configuration, shipped once per executor. */
  Configuration hadoop();

  /** Unique per attempt of a shard: it names the attempt's temporary files. */
  long attempt();

  /** Cores this task may use. */
  int cpus();

  /** The GPU address the cluster assigned to this task, or null when it assigned none. */
  String gpu();

  /** Adds to a counter the job declared; the driver reads the sums for progress and its summary. */
  void add(String counter, long amount);

  /** Throws when the job was cancelled or failed elsewhere, so a stale attempt stops before it commits. */
  void stopIfKilled();
}

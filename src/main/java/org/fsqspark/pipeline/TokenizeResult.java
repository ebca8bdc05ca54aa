package org.fsqspark.pipeline;

import java.util.List;

/**
 * What a tokenize run did; counts cover the whole table, including shards committed by earlier runs.
 *
 * @param truncatedAccepted images tokenized this run although their files were truncated or damaged
 *     (--accept-truncated); shards committed by earlier runs are not counted
 * @param shardsSkipped shards an earlier run of the same command had already committed
 * @param modelLoads models loaded by executor JVMs during this run (one per JVM and device is the design)
 * @param executorJvms distinct JVMs that ran tokenize tasks in this run
 * @param tasks tasks that ran in this run (retries included)
 * @param shardsOnDriver shards the driver tokenized while Spark started (local mode's head start)
 * @param gpus GPU addresses Spark assigned to this run's tasks
 * @param firstImageSeconds seconds from the command's start to the first image encoded in this run; NaN when
 *     this run encoded nothing
 */
public record TokenizeResult(
    String output,
    long inputs,
    long tokenized,
    long rejected,
    long tokens,
    long truncatedAccepted,
    double seconds,
    int shards,
    int shardsSkipped,
    long modelLoads,
    int executorJvms,
    long tasks,
    int shardsOnDriver,
    List<String> gpus,
    double firstImageSeconds) {

  public TokenizeResult {
    gpus = List.copyOf(gpus);
  }
}

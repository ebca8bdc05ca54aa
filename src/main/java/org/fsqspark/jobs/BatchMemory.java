package org.fsqspark.jobs;

import java.util.function.LongUnaryOperator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.pipeline.TaskMemory;

/** {@link TaskMemory}'s check with the executor read from Spark's master URL and settings. */
final class BatchMemory {
  private BatchMemory() {}

  /** See {@link TaskMemory#check}; the executor is this session's. */
  static void check(SparkContext sc, TokenizerManifest manifest, int batchSize, LongUnaryOperator imagesPerTask,
      String held) {
    TaskMemory.check(executor(sc), manifest, batchSize, imagesPerTask, held);
  }

  /** This session's executor: its heap and concurrent tasks. */
  static TaskMemory.Executor executor(SparkContext sc) {
    SparkConf conf = sc.getConf();
    return TaskMemory.executor(sc.master(), conf.getInt("spark.task.cpus", 1),
        () -> conf.getSizeAsBytes("spark.executor.memory", "1g"), () -> conf.getInt("spark.executor.cores", 1));
  }
}

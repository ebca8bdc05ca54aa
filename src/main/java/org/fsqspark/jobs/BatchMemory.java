package org.fsqspark.jobs;

import java.util.function.LongUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.pipeline.TaskMemory;

/** {@link TaskMemory}'s check with the executor read from Spark's master URL and settings. */
final class BatchMemory {
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:\\s*,\\s*\\d+)?\\])?");
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\]");

  private BatchMemory() {}

  /** See {@link TaskMemory#check}; the executor is this session's. */
  static void check(SparkContext sc, TokenizerManifest manifest, int batchSize, LongUnaryOperator imagesPerTask,
      String held) {
    TaskMemory.check(executorOf(sc), manifest, batchSize, imagesPerTask, held);
  }

  /** Heap and concurrent tasks of one executor, from the master URL and the executor settings. */
  static TaskMemory.Executor executorOf(SparkContext sc) {
    SparkConf conf = sc.getConf();
    int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
    String master = sc.master().trim();
    Matcher local = LOCAL.matcher(master);
    if (local.matches()) {
      // Local mode: the executor is this JVM, whatever spark.executor.memory says.
      int cores = local.group(1) == null ? 1 : "*".equals(local.group(1))
          ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(local.group(1));
      int tasks = Math.max(1, cores / taskCpus);
      return new TaskMemory.Executor(Runtime.getRuntime().maxMemory(), tasks, tasks + " concurrent task(s) in this JVM, "
          + master);
    }
    Matcher cluster = LOCAL_CLUSTER.matcher(master);
    long heap;
    int cores;
    if (cluster.matches()) {
      cores = Integer.parseInt(cluster.group(1));
      heap = Long.parseLong(cluster.group(2)) << 20;
    } else {
      heap = conf.getSizeAsBytes("spark.executor.memory", "1g");
      cores = conf.getInt("spark.executor.cores", 1);
    }
    int tasks = Math.max(1, cores / taskCpus);
    return new TaskMemory.Executor(heap, tasks, tasks + " concurrent task(s) per executor");
  }
}

package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.fsqspark.io.HadoopConfiguration;
import org.fsqspark.shard.ShardWork;
import org.fsqspark.shard.Shipped;

/**
 * The Spark half of a sharded job ({@link ShardWork}): values shipped once per executor in broadcasts, one task
 * per shard, counters as accumulators, progress lines while it runs, and the shards' results on the driver.
 * Every job with a model per executor JVM runs through it: tokenize, decode, and the jobs that follow.
 */
public final class ShardRunner implements AutoCloseable {
  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final Map<String, LongAccumulator> counters = new LinkedHashMap<>();
  private final List<Broadcast<?>> broadcasts = new ArrayList<>();

  /** A runner whose works may count into {@code counters}. */
  public ShardRunner(SparkSession spark, String... counters) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (String counter : counters) {
      this.counters.put(counter, spark.sparkContext().longAccumulator("fsq." + counter));
    }
  }

  /** Progress lines every {@code seconds} (0: none) counting the {@code done} and {@code rejected} counters. */
  public record Progress(String name, String done, String rejected, long total, int seconds, PrintWriter console) {}

  /** The shards' results, and where they ran: distinct executor JVMs, tasks, GPU addresses. */
  public record Outcome<R>(List<R> results, int executorJvms, long tasks, List<String> gpus) {}

  /** Ships {@code value} to every executor once; the work keeps the handle. */
  public <T extends Serializable> Shipped<T> ship(T value) {
    Broadcast<T> broadcast = jsc.broadcast(value);
    broadcasts.add(broadcast);
    return new BroadcastValue<>(broadcast);
  }

  /** A counter's total over every task so far. */
  public long count(String counter) {
    return counters.get(counter).value();
  }

  /**
   * Runs {@code work} on every shard, one Spark task each, and returns the results in shard order; with
   * {@code progress} (or null for none) it prints progress lines and a last line with the totals.
   */
  public <S extends Serializable, R extends Serializable> Outcome<R> run(String description, List<S> shards,
      ShardWork<S, R> work, Progress progress) {
    if (shards.isEmpty()) {
      return new Outcome<>(List.of(), 0, 0, List.of());
    }
    CollectionAccumulator<String> jvms = spark.sparkContext().collectionAccumulator("fsq.jvms");
    CollectionAccumulator<String> gpus = spark.sparkContext().collectionAccumulator("fsq.gpus");
    // A broadcast, not a closure field: executors deserialize the configuration once, not once per task.
    Shipped<HadoopConfiguration> hadoop = ship(new HadoopConfiguration(spark.sparkContext().hadoopConfiguration()));
    Tasks<S, R> tasks = new Tasks<>(work, hadoop, counters, jvms, gpus);
    spark.sparkContext().setJobDescription(description);
    List<R> results;
    if (progress == null) {
      results = jsc.parallelize(shards, shards.size()).mapPartitions(tasks).collect();
    } else {
      try (JobProgress lines = JobProgress.start(spark, progress.name(), progress.total(), shards.size(),
          counters.get(progress.done()), counters.get(progress.rejected()), progress.seconds(), progress.console())) {
        results = jsc.parallelize(shards, shards.size()).mapPartitions(tasks).collect();
        lines.finish(count(progress.done()), count(progress.rejected()));
      }
    }
    return new Outcome<>(results, new HashSet<>(jvms.value()).size(), jvms.value().size(),
        new ArrayList<>(new TreeSet<>(gpus.value())));
  }

  /** Destroys what was shipped. */
  @Override
  public void close() {
    broadcasts.forEach(Broadcast::destroy);
    broadcasts.clear();
  }

  /** The GPU address Spark reserved for this task, or null when it reserved none. */
  static String assignedGpu(TaskContext task) {
    if (task == null) {
      return null;
    }
    ResourceInformation gpu = task.resourcesJMap().get("gpu");
    return gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0];
  }

  private record BroadcastValue<T>(Broadcast<T> broadcast) implements Shipped<T> {
    @Override
    public T get() {
      return broadcast.value();
    }
  }

  /** What every task runs: its shards through the work, with a context on this task. */
  private record Tasks<S extends Serializable, R extends Serializable>(ShardWork<S, R> work,
      Shipped<HadoopConfiguration> hadoop, Map<String, LongAccumulator> counters, CollectionAccumulator<String> jvms,
      CollectionAccumulator<String> gpus) implements FlatMapFunction<Iterator<S>, R> {
    @Override
    public Iterator<R> call(Iterator<S> shards) throws Exception {
      TaskContext task = TaskContext.get();
      SparkShardContext context = new SparkShardContext(task, hadoop.get().get(), counters, assignedGpu(task));
      jvms.add(ManagementFactory.getRuntimeMXBean().getName());
      if (context.gpu() != null) {
        gpus.add(context.gpu());
      }
      List<R> results = new ArrayList<>();
      while (shards.hasNext()) {
        results.add(work.process(shards.next(), context));
      }
      return results.iterator();
    }
  }
}

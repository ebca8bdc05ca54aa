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
import java.util.function.LongSupplier;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.fsqspark.io.HadoopConfiguration;
import org.fsqspark.shard.DriverShards;
import org.fsqspark.shard.PartitionWork;
import org.fsqspark.shard.ShardSource;
import org.fsqspark.shard.ShardWork;
import org.fsqspark.shard.Shipped;

/**
 * The Spark half of a sharded job ({@link ShardWork}): values shipped once per executor in broadcasts, one task
 * per shard, counters as accumulators, progress lines while it runs, and the shards' results on the driver.
 * Every executor-side job runs through it: tokenize, decode and stats --prior as {@link ShardWork}s; export,
 * whose global shuffle is Spark's, reads its shards as a {@link ShardSource} and writes the shuffled
 * partitions as a {@link PartitionWork}.
 */
public final class ShardRunner implements AutoCloseable {
  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final Map<String, LongAccumulator> counters = new LinkedHashMap<>();
  private final List<Broadcast<?>> broadcasts = new ArrayList<>();
  private Shipped<HadoopConfiguration> hadoop;

  /** A runner whose works may count into {@code counters}. */
  public ShardRunner(SparkSession spark, String... counters) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (String counter : counters) {
      this.counters.put(counter, spark.sparkContext().longAccumulator("fsq." + counter));
    }
  }

  /**
   * Progress lines every {@code seconds} (0: none) counting the {@code done} and {@code rejected} counters; rates
   * from {@code startNanos} (a driver thread may have begun before the tasks).
   */
  public record Progress(String name, String done, String rejected, long total, int seconds, PrintWriter console,
      long startNanos) {
    public Progress(String name, String done, String rejected, long total, int seconds, PrintWriter console) {
      this(name, done, rejected, total, seconds, console, System.nanoTime());
    }
  }

  /**
   * The shards' results, and where they ran: distinct executor JVMs, tasks, GPU addresses, and how many shards a
   * thread of the driver did ({@link DriverShards}).
   */
  public record Outcome<R>(List<R> results, int executorJvms, long tasks, List<String> gpus, int onDriver) {
    public Outcome(List<R> results, int executorJvms, long tasks, List<String> gpus) {
      this(results, executorJvms, tasks, gpus, 0);
    }
  }

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
    return run(description, shards, work, progress, null);
  }

  /**
   * As {@link #run(String, List, ShardWork, Progress)}, with a thread of the driver working on some of the shards
   * beside the tasks ({@code driver}, or null for none; the work's tasks must leave the shards it claims). Its
   * counts join the progress lines; once the tasks are done the runner waits for its last shard, adds its results
   * after the tasks' and runs the shards it failed as tasks.
   */
  public <S extends Serializable, R extends Serializable> Outcome<R> run(String description, List<S> shards,
      ShardWork<S, R> work, Progress progress, DriverShards<S, R> driver) {
    if (shards.isEmpty()) {
      return new Outcome<>(List.of(), 0, 0, List.of());
    }
    CollectionAccumulator<String> jvms = spark.sparkContext().collectionAccumulator("fsq.jvms");
    CollectionAccumulator<String> gpus = spark.sparkContext().collectionAccumulator("fsq.gpus");
    Tasks<S, R> tasks = new Tasks<>(work, contexts(), jvms, gpus);
    spark.sparkContext().setJobDescription(description);
    List<R> results;
    int onDriver = 0;
    if (progress == null) {
      results = new ArrayList<>(jsc.parallelize(shards, shards.size()).mapPartitions(tasks).collect());
      onDriver = addDriverShards(driver, tasks, results);
    } else {
      LongSupplier driverDone = driver == null ? () -> 0 : () -> driver.count(progress.done());
      LongSupplier driverRejected = driver == null ? () -> 0 : () -> driver.count(progress.rejected());
      try (JobProgress lines = JobProgress.start(spark, progress.name(), progress.total(), shards.size(),
          counters.get(progress.done()), counters.get(progress.rejected()), driverDone, driverRejected,
          progress.seconds(), progress.console(), progress.startNanos())) {
        results = new ArrayList<>(jsc.parallelize(shards, shards.size()).mapPartitions(tasks).collect());
        onDriver = addDriverShards(driver, tasks, results);
        lines.finish(count(progress.done()) + driverDone.getAsLong(),
            count(progress.rejected()) + driverRejected.getAsLong());
      }
    }
    return new Outcome<>(results, new HashSet<>(jvms.value()).size(), jvms.value().size(),
        new ArrayList<>(new TreeSet<>(gpus.value())), onDriver);
  }

  /** Waits for the driver's last shard, adds its results and runs the shards it failed as tasks; the shards it did. */
  private <S extends Serializable, R extends Serializable> int addDriverShards(DriverShards<S, R> driver,
      Tasks<S, R> tasks, List<R> results) {
    if (driver == null) {
      return 0;
    }
    DriverShards.Done<S, R> done = driver.finish();
    results.addAll(done.results());
    if (!done.failed().isEmpty()) {
      results.addAll(jsc.parallelize(done.failed(), done.failed().size()).mapPartitions(tasks).collect());
    }
    return done.results().size();
  }

  /**
   * Every shard's rows, read on executors (one task per shard) for a Spark shuffle to bring together; each
   * shard's rows are closed when its task ends.
   */
  public <S extends Serializable, T> JavaRDD<T> read(String description, List<S> shards, ShardSource<S, T> source) {
    spark.sparkContext().setJobDescription(description);
    return jsc.parallelize(shards, Math.max(1, shards.size())).flatMap(new Reads<>(source, contexts()));
  }

  /** Runs {@code work} on every partition of {@code rows}, one task each; returns the results in partition order. */
  public <T, R extends Serializable> List<R> run(String description, JavaRDD<T> rows, PartitionWork<T, R> work) {
    spark.sparkContext().setJobDescription(description);
    return rows.mapPartitionsWithIndex(new Partitions<>(work, contexts()), true).collect();
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

  /** Contexts for this runner's tasks; the Hadoop configuration is shipped once per runner. */
  private Contexts contexts() {
    if (hadoop == null) {
      // A broadcast, not a closure field: executors deserialize the configuration once, not once per task.
      hadoop = ship(new HadoopConfiguration(spark.sparkContext().hadoopConfiguration()));
    }
    return new Contexts(hadoop, counters);
  }

  /** Makes the context of the task that runs on this thread. */
  private record Contexts(Shipped<HadoopConfiguration> hadoop, Map<String, LongAccumulator> counters)
      implements Serializable {
    SparkShardContext here() {
      TaskContext task = TaskContext.get();
      return new SparkShardContext(task, hadoop.get().get(), counters, assignedGpu(task));
    }
  }

  /** What every task runs: its shards through the work, with a context on this task. */
  private record Tasks<S extends Serializable, R extends Serializable>(ShardWork<S, R> work, Contexts contexts,
      CollectionAccumulator<String> jvms, CollectionAccumulator<String> gpus)
      implements FlatMapFunction<Iterator<S>, R> {
    @Override
    public Iterator<R> call(Iterator<S> shards) throws Exception {
      SparkShardContext context = contexts.here();
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

  /** What a reading task runs: its shard's rows, closed when the task ends. */
  private record Reads<S extends Serializable, T>(ShardSource<S, T> source, Contexts contexts)
      implements FlatMapFunction<S, T> {
    @Override
    public Iterator<T> call(S shard) throws Exception {
      SparkShardContext context = contexts.here();
      ShardSource.Rows<T> rows = source.open(shard, context);
      if (context.task() != null) {
        context.task().addTaskCompletionListener((TaskCompletionListener) done -> rows.close());
      }
      return rows;
    }
  }

  /** What a task runs on one partition of shuffled rows. */
  private record Partitions<T, R extends Serializable>(PartitionWork<T, R> work, Contexts contexts)
      implements Function2<Integer, Iterator<T>, Iterator<R>> {
    @Override
    public Iterator<R> call(Integer partition, Iterator<T> rows) throws Exception {
      return List.of(work.process(partition, rows, contexts.here())).iterator();
    }
  }
}

package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.fsqspark.pipeline.ProgressLine;
import scala.Tuple4;

/**
 * Prints a progress line ({@link ProgressLine}) at a steady interval while a job runs. Finished tasks count
 * through the accumulators; running tasks through the partial accumulator values executors send with every
 * heartbeat, so progress moves inside long shards too.
 */
final class JobProgress implements AutoCloseable {
  private final SparkSession spark;
  private final LongAccumulator done;
  private final LongAccumulator rejects;
  private final LongSupplier driverDone;
  private final LongSupplier driverRejects;
  private final PrintWriter console;
  private final ProgressLine lines;
  private final ScheduledExecutorService timer;
  private final Listener listener = new Listener();
  private volatile boolean finished;

  private JobProgress(SparkSession spark, String name, long total, int shards, LongAccumulator done,
      LongAccumulator rejects, LongSupplier driverDone, LongSupplier driverRejects, int seconds, PrintWriter console,
      long startNanos) {
    this.spark = spark;
    this.done = done;
    this.rejects = rejects;
    this.driverDone = driverDone;
    this.driverRejects = driverRejects;
    this.console = console;
    this.lines = new ProgressLine(name, total, shards, startNanos);
    if (seconds > 0) {
      spark.sparkContext().addSparkListener(listener);
      timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fsq-progress");
        thread.setDaemon(true);
        return thread;
      });
      timer.scheduleAtFixedRate(this::report, seconds, seconds, TimeUnit.SECONDS);
    } else {
      timer = null;
    }
  }

  /**
   * {@code total} is -1 when the number of images is not known before reading (tars, Parquet); {@code driverDone}
   * and {@code driverRejects} count what a thread of the driver did beside the tasks; rates count from
   * {@code startNanos}.
   */
  static JobProgress start(SparkSession spark, String name, long total, int shards, LongAccumulator done,
      LongAccumulator rejects, LongSupplier driverDone, LongSupplier driverRejects, int seconds, PrintWriter console,
      long startNanos) {
    return new JobProgress(spark, name, total, shards, done, rejects, driverDone, driverRejects, seconds, console,
        startNanos);
  }

  private void report() {
    if (finished) {
      return;
    }
    long rejected = rejects.value() + listener.inFlight(rejects) + driverRejects.getAsLong();
    long images = done.value() + listener.inFlight(done) + driverDone.getAsLong() + rejected;
    String line = lines.next(images, rejected, listener.finishedTasks.get(), listener.runningTasks.size(),
        System.nanoTime());
    if (line != null) {
      console.println(line);
      console.flush();
    }
  }

  /** Stops the timer and prints the final counts of this run. */
  void finish(long tokenized, long rejected) {
    finished = true;
    close();
    console.println(lines.finish(tokenized, rejected, System.nanoTime()));
    console.flush();
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  /** Tracks running tasks and the partial accumulator values their executors report. */
  private static final class Listener extends SparkListener {
    private final Map<Long, Boolean> runningTasks = new ConcurrentHashMap<>();
    private final Map<Long, Map<Long, Long>> partials = new ConcurrentHashMap<>();
    private final AtomicInteger finishedTasks = new AtomicInteger();

    long inFlight(LongAccumulator accumulator) {
      Map<Long, Long> values = partials.get(accumulator.id());
      if (values == null) {
        return 0;
      }
      long sum = 0;
      for (Map.Entry<Long, Long> entry : values.entrySet()) {
        if (runningTasks.containsKey(entry.getKey())) {
          sum += entry.getValue();
        }
      }
      return sum;
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart taskStart) {
      runningTasks.put(taskStart.taskInfo().taskId(), Boolean.TRUE);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      long taskId = taskEnd.taskInfo().taskId();
      runningTasks.remove(taskId);
      partials.values().forEach(values -> values.remove(taskId));
      if (taskEnd.taskInfo().successful()) {
        finishedTasks.incrementAndGet();
      }
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
      scala.collection.Iterator<Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>>> tasks =
          update.accumUpdates().iterator();
      while (tasks.hasNext()) {
        Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task = tasks.next();
        long taskId = (Long) task._1();
        scala.collection.Iterator<AccumulableInfo> infos = task._4().iterator();
        while (infos.hasNext()) {
          AccumulableInfo info = infos.next();
          if (info.update().isDefined() && info.update().get() instanceof Long value) {
            partials.computeIfAbsent(info.id(), id -> new ConcurrentHashMap<>()).put(taskId, value);
          }
        }
      }
    }
  }
}

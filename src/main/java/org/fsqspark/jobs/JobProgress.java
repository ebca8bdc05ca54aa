package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Prints a progress line at a steady interval while a job runs: items done of the total, rate, rejects,
 * running tasks and ETA. Counts come from accumulators, which Spark merges as tasks finish.
 */
final class JobProgress implements AutoCloseable {
  private final SparkSession spark;
  private final String name;
  private final long total;
  private final LongAccumulator done;
  private final LongAccumulator rejects;
  private final PrintWriter console;
  private final long start = System.nanoTime();
  private final ScheduledExecutorService timer;
  private volatile boolean finished;

  private JobProgress(SparkSession spark, String name, long total, LongAccumulator done, LongAccumulator rejects,
      int seconds, PrintWriter console) {
    this.spark = spark;
    this.name = name;
    this.total = total;
    this.done = done;
    this.rejects = rejects;
    this.console = console;
    if (seconds > 0) {
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

  static JobProgress start(SparkSession spark, String name, long total, LongAccumulator done,
      LongAccumulator rejects, int seconds, PrintWriter console) {
    return new JobProgress(spark, name, total, done, rejects, seconds, console);
  }

  private void report() {
    if (finished) {
      return;
    }
    long images = done.value();
    long rejected = rejects.value();
    long finished = Math.min(total, images + rejected);
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = finished / Math.max(seconds, 1e-9);
    String eta = finished == 0 ? "?" : String.format(Locale.ROOT, "%.0f s", (total - finished) / Math.max(rate, 1e-9));
    console.printf(Locale.ROOT, "%s: %d/%d images (%.0f%%), %.1f images/s, %d rejects, %s tasks running, ETA %s%n",
        name, finished, total, 100.0 * finished / total, rate, rejected, runningTasks(), eta);
    console.flush();
  }

  private String runningTasks() {
    SparkStatusTracker tracker = spark.sparkContext().statusTracker();
    int running = 0;
    for (int stageId : tracker.getActiveStageIds()) {
      scala.Option<SparkStageInfo> info = tracker.getStageInfo(stageId);
      if (info.isDefined()) {
        running += info.get().numActiveTasks();
      }
    }
    return Integer.toString(running);
  }

  /** Stops the timer and prints the final counts. */
  void finish(long tokenized, long rejected) {
    finished = true;
    close();
    double seconds = (System.nanoTime() - start) / 1e9;
    console.printf(Locale.ROOT, "%s: done, %d tokenized, %d rejected in %.1f s (%.1f images/s)%n", name, tokenized,
        rejected, seconds, (tokenized + rejected) / Math.max(seconds, 1e-9));
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}

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
 * Prints a progress line at a steady interval while a job runs: images done (of the total when it is
 * known), rate, rejects, shards done and running, and ETA. Counts come from accumulators, which Spark
 * merges as tasks finish.
 */
final class JobProgress implements AutoCloseable {
  private final SparkSession spark;
  private final String name;
  private final long total;
  private final int shards;
  private final LongAccumulator done;
  private final LongAccumulator rejects;
  private final PrintWriter console;
  private final long start = System.nanoTime();
  private final ScheduledExecutorService timer;
  private volatile boolean finished;

  private JobProgress(SparkSession spark, String name, long total, int shards, LongAccumulator done,
      LongAccumulator rejects, int seconds, PrintWriter console) {
    this.spark = spark;
    this.name = name;
    this.total = total;
    this.shards = shards;
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

  /** {@code total} is -1 when the number of images is not known before reading (tars). */
  static JobProgress start(SparkSession spark, String name, long total, int shards, LongAccumulator done,
      LongAccumulator rejects, int seconds, PrintWriter console) {
    return new JobProgress(spark, name, total, shards, done, rejects, seconds, console);
  }

  private void report() {
    if (finished) {
      return;
    }
    long finishedImages = done.value() + rejects.value();
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = finishedImages / Math.max(seconds, 1e-9);
    int[] tasks = tasks();
    StringBuilder line = new StringBuilder(name).append(": ");
    if (total > 0) {
      line.append(String.format(Locale.ROOT, "%d/%d images (%.0f%%)", finishedImages, total,
          100.0 * finishedImages / total));
    } else {
      line.append(finishedImages).append(" images");
    }
    line.append(String.format(Locale.ROOT, ", %.1f images/s, %d rejects, shards %d/%d done, %d running",
        rate, rejects.value(), tasks[0], shards, tasks[1]));
    if (total > 0 && finishedImages > 0) {
      line.append(String.format(Locale.ROOT, ", ETA %.0f s", (total - finishedImages) / Math.max(rate, 1e-9)));
    }
    console.println(line);
    console.flush();
  }

  /** Completed and running tasks of the active stages. */
  private int[] tasks() {
    SparkStatusTracker tracker = spark.sparkContext().statusTracker();
    int completed = 0;
    int running = 0;
    for (int stageId : tracker.getActiveStageIds()) {
      scala.Option<SparkStageInfo> info = tracker.getStageInfo(stageId);
      if (info.isDefined()) {
        completed += info.get().numCompletedTasks();
        running += info.get().numActiveTasks();
      }
    }
    return new int[] {completed, running};
  }

  /** Stops the timer and prints the final counts of this run. */
  void finish(long tokenized, long rejected) {
    finished = true;
    close();
    double seconds = (System.nanoTime() - start) / 1e9;
    console.printf(Locale.ROOT, "%s: done, %d tokenized, %d rejected in %.1f s (%.1f images/s)%n", name, tokenized,
        rejected, seconds, (tokenized + rejected) / Math.max(seconds, 1e-9));
    console.flush();
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}

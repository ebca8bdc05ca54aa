package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;

/**
 * Prints a progress line at a steady interval while a job runs: images done (of the total when it is
 * known), rate, rejects, shards done and running, and ETA. Finished tasks count through the accumulators;
 * running tasks through the partial accumulator values executors send with every heartbeat, so progress
 * moves inside long shards too.
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
  private final Listener listener = new Listener();
  private volatile boolean finished;
  /** What the last printed line counted, and when it was printed (only the timer thread touches these). */
  private String lastCounts = "";
  private long lastPrinted = System.nanoTime();
  /** Unchanged counts are printed again only after this long, to show the job is alive. */
  private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(30);

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

  /** {@code total} is -1 when the number of images is not known before reading (tars, Parquet). */
  static JobProgress start(SparkSession spark, String name, long total, int shards, LongAccumulator done,
      LongAccumulator rejects, int seconds, PrintWriter console) {
    return new JobProgress(spark, name, total, shards, done, rejects, seconds, console);
  }

  private void report() {
    if (finished) {
      return;
    }
    long rejected = rejects.value() + listener.inFlight(rejects);
    long images = done.value() + listener.inFlight(done) + rejected;
    // A line that says nothing new (0/500 while the model loads and the first batch runs) is left out.
    String counts = images + "/" + rejected + "/" + listener.finishedTasks.get() + "/" + listener.runningTasks.size();
    long now = System.nanoTime();
    if (counts.equals(lastCounts) && now - lastPrinted < QUIET_NANOS) {
      return;
    }
    lastCounts = counts;
    lastPrinted = now;
    double seconds = (now - start) / 1e9;
    double rate = images / Math.max(seconds, 1e-9);
    StringBuilder line = new StringBuilder(name).append(": ");
    if (total > 0) {
      line.append(String.format(Locale.ROOT, "%d/%d images (%.0f%%)", images, total, 100.0 * images / total));
    } else {
      line.append(images).append(" images");
    }
    if (images == 0) {
      // No rate yet: the tasks are starting (model load, first decode and batch).
      line.append(String.format(Locale.ROOT, ", waiting for the first batch, shards %d/%d done, %d running",
          listener.finishedTasks.get(), shards, listener.runningTasks.size()));
    } else {
      line.append(String.format(Locale.ROOT, ", %.1f images/s, %d rejects, shards %d/%d done, %d running",
          rate, rejected, listener.finishedTasks.get(), shards, listener.runningTasks.size()));
    }
    if (total > 0 && images > 0) {
      line.append(String.format(Locale.ROOT, ", ETA %.0f s", Math.max(0, total - images) / Math.max(rate, 1e-9)));
    }
    console.println(line);
    console.flush();
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

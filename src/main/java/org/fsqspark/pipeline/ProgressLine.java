package org.fsqspark.pipeline;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The progress lines of a sharded job: images done (of the total when it is known), rate, rejects, shards done
 * and running, and ETA; a line that says nothing new is left out, but printed again after a quiet while to show
 * the job is alive. The Spark side feeds it the counts; not thread-safe (one timer thread calls it).
 */
public final class ProgressLine {
  /** Unchanged counts are printed again only after this long. */
  private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final String name;
  private final long total;
  private final int shards;
  private final long start;
  private String lastCounts = "";
  private long lastPrinted;

  /** {@code total} is -1 when the number of images is not known before reading (tars, Parquet). */
  public ProgressLine(String name, long total, int shards, long startNanos) {
    this.name = name;
    this.total = total;
    this.shards = shards;
    this.start = startNanos;
    this.lastPrinted = startNanos;
  }

  /** The line for these counts at {@code now} (nanoTime), or null when it would say nothing new. */
  public String next(long images, long rejected, int finishedShards, int runningShards, long now) {
    // A line that says nothing new (0/500 while the model loads and the first batch runs) is left out.
    String counts = images + "/" + rejected + "/" + finishedShards + "/" + runningShards;
    if (counts.equals(lastCounts) && now - lastPrinted < QUIET_NANOS) {
      return null;
    }
    lastCounts = counts;
    lastPrinted = now;
    double rate = images / Math.max((now - start) / 1e9, 1e-9);
    StringBuilder line = new StringBuilder(name).append(": ");
    if (total > 0) {
      line.append(String.format(Locale.ROOT, "%d/%d images (%.0f%%)", images, total, 100.0 * images / total));
    } else {
      line.append(images).append(" images");
    }
    if (images == 0) {
      // No rate yet: the tasks are starting (model load, first decode and batch).
      line.append(String.format(Locale.ROOT, ", waiting for the first batch, shards %d/%d done, %d running",
          finishedShards, shards, runningShards));
    } else {
      line.append(String.format(Locale.ROOT, ", %.1f images/s, %d rejects, shards %d/%d done, %d running",
          rate, rejected, finishedShards, shards, runningShards));
    }
    if (total > 0 && images > 0) {
      line.append(String.format(Locale.ROOT, ", ETA %.0f s", Math.max(0, total - images) / Math.max(rate, 1e-9)));
    }
    return line.toString();
  }

  /** The last line: the counts of the whole run at {@code now}. */
  public String finish(long tokenized, long rejected, long now) {
    double seconds = (now - start) / 1e9;
    return String.format(Locale.ROOT, "%s: done, %d tokenized, %d rejected in %.1f s (%.1f images/s)", name,
        tokenized, rejected, seconds, (tokenized + rejected) / Math.max(seconds, 1e-9));
  }
}

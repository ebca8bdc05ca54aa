package org.fsqspark.shard;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;

/**
 * A {@link ShardContext} on a plain thread of the driver, not a Spark task: one core, no GPU of its own, and
 * counters kept here for the runner to read.
 */
public final class LocalShardContext implements ShardContext {
  private final Configuration hadoop;
  private final long attempt;
  private final Map<String, AtomicLong> counters = new HashMap<>();
  private volatile boolean cancelled;

  /**
   * @param attempt names the attempt's temporary files; negative, so it never equals a Spark task's attempt id
   * @param counters the counters works may add to
   */
  public LocalShardContext(Configuration hadoop, long attempt, String... counters) {
    if (attempt >= 0) {
      throw new IllegalArgumentException("A driver attempt id must be negative (Spark's are not), got " + attempt);
    }
    this.hadoop = hadoop;
    this.attempt = attempt;
    for (String counter : counters) {
      this.counters.put(counter, new AtomicLong());
    }
  }

  @Override
  public Configuration hadoop() {
    return hadoop;
  }

  @Override
  public long attempt() {
    return attempt;
  }

  @Override
  public int cpus() {
    return 1;
  }

  @Override
  public String gpu() {
    return null;
  }

  @Override
  public void add(String counter, long amount) {
    AtomicLong value = counters.get(counter);
    if (value == null) {
      throw new IllegalArgumentException("Counter " + counter + " was not declared; this context has " + counters.keySet());
    }
    value.addAndGet(amount);
  }

  /** A counter's value so far. */
  public long count(String counter) {
    AtomicLong value = counters.get(counter);
    return value == null ? 0 : value.get();
  }

  /** Makes the work stop before it commits. */
  public void cancel() {
    cancelled = true;
  }

  @Override
  public void stopIfKilled() {
    if (cancelled) {
      throw new CancellationException("the run was cancelled");
    }
  }
}

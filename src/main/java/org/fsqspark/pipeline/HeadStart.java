package org.fsqspark.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.io.Shard;
import org.fsqspark.shard.DriverShards;
import org.fsqspark.shard.LocalShardContext;
import org.fsqspark.shard.ShardClaims;

/**
 * Tokenize's shards on a thread of the driver while Spark starts, when the executors will be this JVM (local
 * mode) and the command listed the input and loaded the model before Spark was up ({@link TokenizePrelude}).
 * The thread takes shards from the end of the plan, through the same {@link TokenizeWork} and commit as a task,
 * while the job's tasks take them from the front once Spark is up; each shard is done once, by whichever claims
 * it first ({@link ShardClaims}), and they meet in the middle. After Spark is up the thread goes on beside the
 * task slots, so an odd count of shards left to the slots does not end with one core idle: in a 2-core timeline of
 * 2,000 photos in 8 shards, a thread that stopped when the first task came left the slots 7 shards, and the last
 * ran alone for half a second.
 */
public final class HeadStart implements DriverShards<Shard, TokenizeShardResult>, AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HeadStart.class);

  private final TokenizeRun run;
  private final ShardClaims claims;
  private final LocalShardContext context;
  private final TokenizeWork work;
  private final long startNanos = System.nanoTime();
  private final List<TokenizeShardResult> results = Collections.synchronizedList(new ArrayList<>());
  private final List<Shard> failed = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;
  private volatile boolean stopping;

  private HeadStart(TokenizeRun run, Configuration hadoop) {
    this.run = run;
    this.claims = ShardClaims.open();
    this.context = new LocalShardContext(hadoop, -1, TokenizeWork.IMAGES, TokenizeWork.REJECTS,
        TokenizeWork.MODEL_LOADS);
    this.work = new TokenizeWork(run::source, run.manifest(), run.settings(), null);
    this.thread = new Thread(this::work, "fsq-head-start");
    thread.setDaemon(true);
  }

  /** Starts the thread on {@code run}'s shards. */
  public static HeadStart begin(TokenizeRun run, Configuration hadoop) {
    HeadStart head = new HeadStart(run, hadoop);
    head.thread.start();
    return head;
  }

  /** The run the thread works on; the job runs the same one. */
  public TokenizeRun run() {
    return run;
  }

  /** When the run began, for its seconds: before Spark's start finished. */
  public long startNanos() {
    return startNanos;
  }

  /** What the job's tasks are given to find the claims of this run. */
  public String claimsKey() {
    return claims.key();
  }

  private void work() {
    List<Shard> todo = run.todo();
    for (int i = todo.size() - 1; i >= 0 && !stopping; i--) {
      Shard shard = todo.get(i);
      if (!claims.claim(shard.name())) {
        // A task holds this shard and, taking shards from the front, all before it.
        return;
      }
      try {
        TokenizeShardResult result = work.process(shard, context);
        results.add(result);
        LOG.info("Head start: shard {} tokenized on the driver", shard.name());
      } catch (IOException | RuntimeException e) {
        // A task does it again, where a failure is reported as the job's.
        LOG.warn("Head start: shard {} failed on the driver; a task will do it: {}", shard.name(), e.toString());
        claims.release(shard.name());
        failed.add(shard);
      }
    }
  }

  @Override
  public long count(String counter) {
    return context.count(counter);
  }

  @Override
  public Done<Shard, TokenizeShardResult> finish() {
    stopping = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the head start's last shard", e);
    }
    synchronized (results) {
      synchronized (failed) {
        return new Done<>(results, failed);
      }
    }
  }

  /** Stops the thread before its next commit and forgets the run's claims. */
  @Override
  public void close() {
    stopping = true;
    context.cancel();
    claims.close();
  }
}

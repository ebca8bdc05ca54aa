package org.fsqspark.shard;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shards of one run that threads of this JVM share out when the driver works beside the run's tasks (local
 * mode, where the executors are this JVM). Each shard is done by the thread that claims it first; a task that
 * finds its shard claimed leaves it. Runs are told apart by a key made per run, so a JVM running several jobs
 * (tests, notebooks) keeps them apart; on a cluster executor no run is registered and every task does its shard.
 */
public final class ShardClaims implements AutoCloseable {
  private static final Map<String, ShardClaims> RUNS = new ConcurrentHashMap<>();

  private final String key;
  private final Set<String> claimed = ConcurrentHashMap.newKeySet();

  private ShardClaims(String key) {
    this.key = key;
  }

  /** Registers a new run in this JVM. */
  public static ShardClaims open() {
    ShardClaims claims = new ShardClaims(UUID.randomUUID().toString());
    RUNS.put(claims.key, claims);
    return claims;
  }

  /** The run registered under {@code key} in this JVM; empty on a JVM that does not share out the run. */
  public static Optional<ShardClaims> find(String key) {
    return key == null ? Optional.empty() : Optional.ofNullable(RUNS.get(key));
  }

  /** What tasks are given to find this run. */
  public String key() {
    return key;
  }

  /** True when the caller is the first to claim {@code shard} and must do it. */
  public boolean claim(String shard) {
    return claimed.add(shard);
  }

  /** Gives back a shard whose attempt failed, so that a task may do it. */
  public void release(String shard) {
    claimed.remove(shard);
  }

  /** Unregisters the run: tasks that start later do every shard they are given. */
  @Override
  public void close() {
    RUNS.remove(key);
  }
}

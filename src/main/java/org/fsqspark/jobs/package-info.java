/**
 * The Spark entry points, thin and read top to bottom: each job checks what it can on the driver, plans its
 * shards, and runs the executor-side work of {@code pipeline} through the one generic runner ({@link
 * org.fsqspark.jobs.ShardRunner}: broadcasts, a task per shard, counters, progress); stats also aggregates
 * with Spark's reduce, and export shuffles with Spark's sort (its rows must meet across part files; reading
 * before the shuffle and writing after it go through the runner). Nothing here is executor-side logic.
 *
 * <p>May import: pipeline, prior, report, stats, shard, model, io, contract, fsq, error.
 */
package org.fsqspark.jobs;

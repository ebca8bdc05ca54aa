/**
 * The library half of the sharded-job pattern, without Spark: a run's spec and resume check ({@link
 * org.fsqspark.shard.RunSpec}, {@link org.fsqspark.shard.ShardedOutput}), per-shard files staged under
 * {@code _temporary/} and committed by rename ({@link org.fsqspark.shard.ShardCommit}), the per-shard work and
 * its context and result, the two ends of a job whose rows meet in a shuffle ({@link
 * org.fsqspark.shard.ShardSource} reads a shard's rows, {@link org.fsqspark.shard.PartitionWork} writes a
 * shuffled partition), values shipped once per executor, one value per key per JVM ({@link
 * org.fsqspark.shard.JvmSingletons}), and decoding ahead of the consumer ({@link org.fsqspark.shard.RunAhead}).
 *
 * <p>May import: io, error.
 */
package org.fsqspark.shard;

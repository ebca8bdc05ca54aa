/**
 * The work of the sharded jobs, without Spark: what one task does with one shard (tokenize a run of images,
 * decode a part file of tokens, code a stream under a prior, as {@link org.fsqspark.shard.ShardWork}s), the
 * jobs' configs, settings and results, and what tokenize does before Spark starts. The jobs package runs these
 * on Spark; a test can run them on its own thread.
 *
 * <p>May import: shard, prior, model, stats, io, image, contract, fsq, error.
 */
package org.fsqspark.pipeline;

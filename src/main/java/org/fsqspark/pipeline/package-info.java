/**
 * The work of the jobs, without Spark. Executor side: what one task does with one shard (tokenize a run of
 * images, decode a part file of tokens, both through a per-JVM model and a predictor per task ({@link
 * org.fsqspark.pipeline.ModelShardWork}); code a stream under a prior; read a part file for export and write one
 * export file after its shuffle). Driver side: the checks, run specs, console lines and summaries around the
 * Spark runs, the jobs' configs, settings and results, and what tokenize does before Spark starts. The jobs
 * package runs these on Spark; a test can run them on its own thread.
 *
 * <p>May import: shard, prior, model, stats, io, image, contract, fsq, error.
 */
package org.fsqspark.pipeline;

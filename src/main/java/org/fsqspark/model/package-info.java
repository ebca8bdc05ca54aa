/**
 * Tokenizer models: loading DJL-native and TorchScript encoders (their manifest is in contract),
 * the translator that turns pixel batches into token indices, the FSQ twin on DJL NDArrays, device choice,
 * the holder that keeps one loaded model per JVM, the check that runs a model once before a job, and the sections
 * of libtorch work that the JVM's exit waits for ({@link org.fsqspark.model.NativeWork}).
 *
 * <p>May import: shard, io, contract, fsq, error (shard for the per-JVM holder; io for model files).
 */
package org.fsqspark.model;

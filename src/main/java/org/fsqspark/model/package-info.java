/**
 * Tokenizer models: the manifest that describes them, loading DJL-native and TorchScript encoders,
 * the translator that turns pixel batches into token indices, the FSQ twin on DJL NDArrays, device choice,
 * the holder that keeps one loaded model per JVM, and the check that runs a model once before a job.
 */
package org.fsqspark.model;

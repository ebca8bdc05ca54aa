/**
 * Tokenizer models: the manifest that describes them, loading DJL-native and TorchScript encoders,
 * the translator that turns pixel batches into token indices, the FSQ twin on DJL NDArrays, device choice,
 * and the holder that keeps one loaded model per JVM.
 */
package org.fsqspark.model;

package org.fsqspark.model;

import ai.djl.inference.Predictor;

/**
 * A loaded model part that hands out predictors (an encoder, a decoder): the part is shared by every task thread
 * of a JVM, a predictor is one thread's.
 *
 * @param <I> what a predictor takes
 * @param <O> what a predictor gives
 */
public interface PredictorSource<I, O> {
  /** A new inference session; not thread-safe, close it when the thread is done. */
  Predictor<I, O> newPredictor();
}

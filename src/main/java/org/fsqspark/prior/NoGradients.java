package org.fsqspark.prior;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns libtorch's gradient recording off on this thread until closed, then restores it. libtorch records
 * gradients by default on every thread but the one that started the engine (DJL turns it off there only), so
 * an in-place parameter update or an inference pass on a Spark task thread must say so itself.
 */
final class NoGradients implements AutoCloseable {
  private final boolean previous;

  NoGradients() {
    previous = JniUtils.isGradMode();
    if (previous) {
      JniUtils.setGradMode(false);
    }
  }

  @Override
  public void close() {
    if (previous) {
      JniUtils.setGradMode(true);
    }
  }
}

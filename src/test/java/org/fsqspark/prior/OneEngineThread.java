package org.fsqspark.prior;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one libtorch intra-op thread, restoring the previous count after it. The tiny
 * priors of the tests are many small operations; on a busy 2-core machine two OpenMP threads per operation
 * wait on each other and run them 10x slower (measured), which only slows the tests down.
 */
final class OneEngineThread implements BeforeAllCallback, AfterAllCallback {
  private int previous;

  @Override
  public void beforeAll(ExtensionContext context) {
    Engine.getEngine("PyTorch");
    previous = JniUtils.getNumThreads();
    JniUtils.setNumThreads(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    JniUtils.setNumThreads(previous);
  }
}

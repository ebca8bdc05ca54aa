package org.fsqspark.image;

/**
 * The heap ran out while an image was decoded or preprocessed. A resource failure, not a property of the
 * image: callers let it fail the task so that it is retried, and never record the image as rejected.
 *
 * <p>It deliberately carries no {@link OutOfMemoryError} as its cause: Spark treats a fatal error anywhere
 * in a task failure's cause chain as a reason to kill the executor JVM, which in local mode is the driver.
 */
public final class DecodeMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DecodeMemoryException(String message) {
    super(message);
  }
}

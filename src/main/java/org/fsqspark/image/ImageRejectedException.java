package org.fsqspark.image;

/** An input image that cannot be used, with the pipeline stage that found out and a reason a person can act on. */
public final class ImageRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String stage;

  public ImageRejectedException(String stage, String message) {
    super(message);
    this.stage = stage;
  }

  public ImageRejectedException(String stage, String message, Throwable cause) {
    super(message, cause);
    this.stage = stage;
  }

  /** {@code read}, {@code decode}, {@code preprocess} or {@code encode}. */
  public String stage() {
    return stage;
  }
}

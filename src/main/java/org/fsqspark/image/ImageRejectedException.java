package org.fsqspark.image;

import org.fsqspark.contract.RejectStage;

/** An input image that cannot be used, with the pipeline stage that found out and a reason a person can act on. */
public final class ImageRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final RejectStage stage;

  public ImageRejectedException(RejectStage stage, String message) {
    super(message);
    this.stage = stage;
  }

  public ImageRejectedException(RejectStage stage, String message, Throwable cause) {
    super(message, cause);
    this.stage = stage;
  }

  /** The stage that rejected the image: {@code READ} for an empty file, else {@code DECODE}. */
  public RejectStage stage() {
    return stage;
  }
}

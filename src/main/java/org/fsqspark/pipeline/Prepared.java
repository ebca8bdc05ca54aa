package org.fsqspark.pipeline;

import org.fsqspark.contract.RejectStage;
import org.fsqspark.io.InputRecord;

/**
 * A record after decode-thread work: its pixels, or the stage and reason it was rejected; {@code damage} says
 * why accepted pixels are incomplete (a truncated file kept with --accept-truncated), else null.
 */
record Prepared(InputRecord record, float[] pixels, int height, int width, RejectStage rejectStage, String error,
    String damage) {
  static Prepared rejected(InputRecord record, RejectStage stage, String error) {
    return new Prepared(record, null, 0, 0, stage, error, null);
  }

  boolean isRejected() {
    return rejectStage != null;
  }
}

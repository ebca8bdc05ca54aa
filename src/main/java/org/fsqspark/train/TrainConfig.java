package org.fsqspark.train;

import java.nio.file.Path;
import java.util.List;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;

/**
 * What to train and how.
 *
 * @param validationCount images held out from the end of the training split for validation metrics
 */
public record TrainConfig(
    Levels levels,
    Bound bound,
    List<Integer> widths,
    int epochs,
    int batchSize,
    float learningRate,
    long seed,
    int validationCount,
    int trainLimit,
    String name,
    Path output) {

  public TrainConfig {
    if (levels == null || bound == null || output == null) {
      throw new IllegalArgumentException("levels, bound and output are required");
    }
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    if (validationCount < 0 || trainLimit < 0) {
      throw new IllegalArgumentException("validation count and train limit must be >= 0");
    }
    widths = List.copyOf(widths);
  }
}

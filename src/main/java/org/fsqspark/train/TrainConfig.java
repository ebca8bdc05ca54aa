package org.fsqspark.train;

import java.nio.file.Path;
import java.util.List;
import org.fsqspark.error.BadInputException;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;

/**
 * What to train and how.
 *
 * @param quantizer {@code fsq} or {@code vq}
 * @param levels FSQ levels; for VQ only their count d (the latent dimension) matters
 * @param codebookSize VQ codebook size (ignored for FSQ)
 * @param commitment VQ commitment loss weight beta (ignored for FSQ)
 * @param validationCount images held out from the end of the data for validation metrics
 * @param resume continue from the checkpoint in {@code output/checkpoint} when there is one
 */
public record TrainConfig(
    String quantizer,
    Levels levels,
    Bound bound,
    int codebookSize,
    float commitment,
    List<Integer> widths,
    int epochs,
    int batchSize,
    float learningRate,
    long seed,
    int validationCount,
    int trainLimit,
    String name,
    Path output,
    boolean resume) {

  public TrainConfig {
    if (!"fsq".equals(quantizer) && !"vq".equals(quantizer)) {
      throw new BadInputException("--quantizer must be fsq or vq, got " + quantizer);
    }
    if (levels == null || bound == null || output == null) {
      throw new BadInputException("levels, bound and output are required");
    }
    if ("vq".equals(quantizer) && codebookSize < 2) {
      throw new BadInputException("--codebook-size must be at least 2 for --quantizer vq, got " + codebookSize);
    }
    if (epochs < 0) {
      throw new BadInputException("epochs must be >= 0, got " + epochs);
    }
    if (batchSize <= 0) {
      throw new BadInputException("batch size must be positive, got " + batchSize);
    }
    if (!(learningRate > 0)) {
      throw new BadInputException("learning rate must be positive, got " + learningRate);
    }
    if (validationCount < 0 || trainLimit < 0) {
      throw new BadInputException("validation count and train limit must be >= 0");
    }
    widths = List.copyOf(widths);
  }

  public boolean isVq() {
    return "vq".equals(quantizer);
  }

  /** Distinct tokens the trained model can emit. */
  public int tokenCount() {
    return isVq() ? codebookSize : levels.codebookSize();
  }
}

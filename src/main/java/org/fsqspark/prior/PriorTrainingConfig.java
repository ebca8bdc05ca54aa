package org.fsqspark.prior;

import java.nio.file.Path;
import org.fsqspark.error.BadInputException;

/**
 * Settings of a prior training run. Valid by construction.
 *
 * @param output the prior folder (prior.json, weights, checkpoint/)
 * @param condition passthrough column holding integer class labels, or null for an unconditional prior
 * @param conditionDropout share of training grids whose label is replaced by the null class, so the same
 *     prior also predicts without a label
 * @param factorised whether to embed FSQ tokens as a sum of per-channel digit embeddings
 * @param epochs the epoch to train up to (a resumed run continues to this one)
 * @param warmupSteps linear learning-rate warm-up; -1 chooses min(1000, 5% of all steps)
 * @param validationFraction share of ids held out by hash ({@code io.IdSplit})
 * @param validationLimit the most held-out grids evaluated per epoch (the first ones in file order)
 * @param codingSteps S of the M2T schedule the validation cost is measured with
 * @param shuffleBuffer rows held at most by the epoch shuffle
 * @param checkpointSteps also checkpoint every this many steps within an epoch; 0 for once per epoch
 * @param resume continue from {@code output/checkpoint}
 */
public record PriorTrainingConfig(Path output, String condition, float conditionDropout, int layers, int width,
    int heads, int mlpRatio, boolean factorised, int epochs, int batchSize, float learningRate, int warmupSteps,
    float weightDecay, long seed, double validationFraction, int validationLimit, int codingSteps,
    int shuffleBuffer, int checkpointSteps, boolean resume) {

  public PriorTrainingConfig {
    if (output == null) {
      throw new BadInputException("--output is required: the folder for the prior");
    }
    if (condition != null && condition.isBlank()) {
      throw new BadInputException("--condition names a passthrough column, got an empty name");
    }
    if (!(conditionDropout >= 0 && conditionDropout <= 1)) {
      throw new BadInputException("--condition-dropout must be in [0, 1], got " + conditionDropout);
    }
    if (epochs < 1) {
      throw new BadInputException("--epochs must be at least 1, got " + epochs);
    }
    if (batchSize < 1 || batchSize > 65536) {
      throw new BadInputException("--batch-size must be between 1 and 65536, got " + batchSize);
    }
    if (!(learningRate > 0 && learningRate < 1)) {
      throw new BadInputException("--learning-rate must be in (0, 1), got " + learningRate);
    }
    if (warmupSteps < -1) {
      throw new BadInputException("--warmup must be -1 (automatic) or at least 0, got " + warmupSteps);
    }
    if (!(weightDecay >= 0 && weightDecay < 1)) {
      throw new BadInputException("--weight-decay must be in [0, 1), got " + weightDecay);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new BadInputException("--validation must be in [0, 1), got " + validationFraction);
    }
    if (validationLimit < 0) {
      throw new BadInputException("--validation-limit must be at least 0, got " + validationLimit);
    }
    if (codingSteps < 1) {
      throw new BadInputException("--prior-steps must be at least 1, got " + codingSteps);
    }
    if (shuffleBuffer < 1) {
      throw new BadInputException("--shuffle-buffer must be at least 1 row, got " + shuffleBuffer);
    }
    if (checkpointSteps < 0) {
      throw new BadInputException("--checkpoint-steps must be at least 0, got " + checkpointSteps);
    }
  }
}

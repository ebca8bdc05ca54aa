package org.fsqspark.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;
import org.fsqspark.io.OutputKind;
import org.fsqspark.model.ConvAutoencoder;
import org.fsqspark.model.NativeWork;

/**
 * Trains the convolutional autoencoder with an FSQ bottleneck (reconstruction loss only, straight-through
 * rounding) or the VQ-VAE baseline (plus codebook and commitment losses), on any {@link TrainingImages}.
 * Checkpoints after every epoch ({@link Checkpoint}); writes a model folder with {@code tokenizer.json},
 * encoder and decoder weights (and the codebook for VQ) that tokenize and decode load as-is ({@link ModelWriter}).
 */
public final class AutoencoderTrainer {
  private static final String CHECKPOINT = "checkpoint";

  /** What training writes into its model folder; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("train", TokenizerManifest.FILE_NAME, "encoder-*.params",
      "decoder-*.params", "codebook.f32", TrainingRecord.FILE_NAME, CHECKPOINT + "/**");

  private final TrainConfig config;
  private final ConvergenceRule rule;
  private final PrintWriter progress;

  /** Trains every epoch up to {@code config.epochs()}. */
  public AutoencoderTrainer(TrainConfig config, PrintWriter progress) {
    this(config, ConvergenceRule.NEVER, progress);
  }

  /** Trains until {@code rule} says the validation metrics have settled, or {@code config.epochs()} epochs. */
  public AutoencoderTrainer(TrainConfig config, ConvergenceRule rule, PrintWriter progress) {
    this.config = config;
    this.rule = rule;
    this.progress = progress;
  }

  /** Trains on {@code images} (the last {@code validationCount} held out) and writes the model folder. */
  public ValidationMetrics train(TrainingImages images) {
    int total = images.count();
    int validation = Math.min(config.validationCount(), total / 5);
    int trainCount = config.trainLimit() > 0 ? Math.min(total - validation, config.trainLimit()) : total - validation;
    int downsample = new ConvAutoencoder(images.channels(), config.widths(), config.levels().channels(), "sigmoid")
        .downsample();
    if (images.height() % downsample != 0 || images.width() % downsample != 0) {
      throw new BadInputException("Images of " + images.height() + "x" + images.width() + " are not divisible"
          + " by the downsample factor " + downsample + " of widths " + config.widths());
    }
    Checkpoint checkpoint = new Checkpoint(config.output().resolve(CHECKPOINT), config);
    Validator validator = new Validator(images, total - validation, validation, config.tokenCount());
    try (TrainingSession session = TrainingSession.open(config, images)) {
      int firstEpoch;
      try (NativeWork.Section section = NativeWork.JVM.enter()) {
        firstEpoch = config.resume() ? checkpoint.restore(session) + 1 : 1;
      }
      Path record = config.output().resolve(CHECKPOINT).resolve(TrainingRecord.FILE_NAME);
      List<EpochMetrics> history = new ArrayList<>(firstEpoch > 1
          ? TrainingRecord.readHistory(record, firstEpoch - 1) : List.of());
      progress.printf(Locale.ROOT, "train: %s, %d images (%d held out), %dx%dx%d, %s, %d epochs of batch %d on %s; %s%n",
          config.isVq() ? "VQ codebook of " + config.codebookSize() + " x " + config.levels().channels()
              : "FSQ levels " + config.levels() + " (|C| = " + config.levels().codebookSize() + ")",
          trainCount, validation, images.channels(), images.height(), images.width(),
          firstEpoch > 1 ? "resuming after epoch " + (firstEpoch - 1) : "from scratch",
          config.epochs(), config.batchSize(), session.device(), rule.describe());
      progress.flush();
      ValidationMetrics metrics = null;
      for (int epoch = firstEpoch; epoch <= config.epochs() && !rule.converged(history); epoch++) {
        metrics = epoch(session, images, trainCount, epoch, validator, history);
        try (NativeWork.Section section = NativeWork.JVM.enter()) {
          // The record after the weights: a run killed in between resumes with one epoch's metrics missing.
          checkpoint.save(session.autoencoder(), epoch);
          new TrainingRecord(rule, config.epochs(), history, "running").write(record);
        }
      }
      try (NativeWork.Section section = NativeWork.JVM.enter()) {
        if (metrics == null) {
          metrics = validator.validate(session);
        }
        new ModelWriter(config).save(session.architecture(), session.autoencoder(), session.device(), images);
      }
      finish(history);
      return metrics;
    }
  }

  /** One pass over the training images in an order drawn from the seed and the epoch, then validation. */
  private ValidationMetrics epoch(TrainingSession session, TrainingImages images, int trainCount, int epoch,
      Validator validator, List<EpochMetrics> history) {
    int[] order = shuffled(trainCount, config.seed() + epoch);
    long start = System.nanoTime();
    float[] buffer = new float[config.batchSize() * images.valuesPerImage()];
    double lossSum = 0;
    int steps = trainCount / config.batchSize();
    for (int step = 0; step < steps; step++) {
      for (int b = 0; b < config.batchSize(); b++) {
        images.write(order[step * config.batchSize() + b], buffer, b * images.valuesPerImage());
      }
      lossSum += session.step(buffer).loss();
      if ((step + 1) % 100 == 0 || step + 1 == steps) {
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %.5f  %.0f images/s%n", epoch,
            config.epochs(), step + 1, steps, lossSum / (step + 1), (step + 1) * config.batchSize() / seconds);
        progress.flush();
      }
    }
    ValidationMetrics metrics;
    try (NativeWork.Section section = NativeWork.JVM.enter()) {
      metrics = validator.validate(session);
    }
    progress.printf(Locale.ROOT, "epoch %d/%d done in %.0f s: train loss %.5f, validation PSNR %.2f dB, "
            + "codebook usage %.1f%% (%d of %d codes)%n", epoch, config.epochs(),
        (System.nanoTime() - start) / 1e9, steps == 0 ? Double.NaN : lossSum / steps, metrics.psnr(),
        metrics.codebookUsage() * 100, metrics.codesUsed(), config.tokenCount());
    progress.flush();
    history.add(new EpochMetrics(epoch, steps == 0 ? Double.NaN : lossSum / steps, metrics.psnr(),
        metrics.codebookUsage(), metrics.codesUsed(), (System.nanoTime() - start) / 1e9));
    return metrics;
  }

  /** Writes the finished run's record (why it stopped) next to the model. */
  private void finish(List<EpochMetrics> history) {
    TrainingRecord done = new TrainingRecord(rule, config.epochs(), history,
        rule.converged(history) ? "converged" : "epoch cap");
    done.write(config.output().resolve(TrainingRecord.FILE_NAME));
    progress.printf(Locale.ROOT, "train: %d epochs, %s%n", done.epochs(), done.stopped());
    progress.flush();
  }

  private static int[] shuffled(int count, long seed) {
    Random random = new Random(seed);
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}

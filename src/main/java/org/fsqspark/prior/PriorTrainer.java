package org.fsqspark.prior;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.fsqspark.io.IdSplit;
import org.fsqspark.io.TokenRow;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadDataException;
import org.fsqspark.model.NativeWork;

/**
 * Trains a {@link PriorNetwork} on a token table with MaskGIT's objective ({@link MaskedBatch}) and Adam
 * ({@link AdamOptimizer}), reading the table through {@link TokenTableReader}: a hash split of ids into train
 * and validation, every epoch shuffled from the seed through a bounded buffer. After every epoch it measures
 * the validation cost by coding the held-out grids with the M2T schedule ({@link PriorCoder}), writes a
 * checkpoint (weights, optimizer moments and step, data position) and the prior folder itself, so the prior
 * is usable after any epoch and a killed run resumes where its last checkpoint stopped.
 *
 * <p>Every random draw (initial weights, epoch order, masks, label dropout) comes from the seed, the epoch and
 * the step, so a resumed run continues the same loss curve an uninterrupted one follows.
 */
public final class PriorTrainer {
  static final String CHECKPOINT_DIR = "checkpoint";
  /** What prior train writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final org.fsqspark.io.OutputKind OUTPUT = org.fsqspark.io.OutputKind.of("prior train",
      PriorModel.JSON_FILE, PriorModel.WEIGHTS_FILE, CHECKPOINT_DIR + "/**");
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.98f;
  static final float EPSILON = 1e-8f;
  /** Where the cosine decay ends, as a share of the peak learning rate. */
  private static final double FINAL_LEARNING_RATE_SHARE = 0.1;

  private final PriorTrainingConfig config;
  private final Device device;
  private final PrintWriter progress;
  private final PriorFiles files;

  /** Asked after every checkpoint whether to stop there (as if the run were killed); tests use it. */
  @FunctionalInterface
  public interface Interruption {
    boolean stopAfter(int epoch, int stepInEpoch);

    Interruption NEVER = (epoch, step) -> false;
  }

  /** What a run ended with: the last epoch's figures and where the prior is. */
  public record Result(Path output, int epochs, long steps, double trainLoss, double validationBitsPerToken,
      double validationCodedBitsPerToken, List<EpochFigures> history) {}

  public PriorTrainer(PriorTrainingConfig config, Device device, PrintWriter progress) {
    this.config = config;
    this.device = device;
    this.progress = progress;
    this.files = new PriorFiles(config);
  }

  /** Trains (or resumes) on {@code table} and writes the prior folder. */
  public Result train(TokenTableReader table) {
    return train(table, Interruption.NEVER);
  }

  /** As {@link #train(TokenTableReader)}, stopping after the first checkpoint {@code interruption} accepts. */
  public Result train(TokenTableReader table, Interruption interruption) {
    TokenizerManifest manifest = table.manifest();
    IdSplit split = new IdSplit(config.validationFraction());
    JsonObject saved = config.resume() ? files.readState() : null;
    if (saved != null) {
      PriorFiles.checkSameTokenizer(saved, manifest, table.table());
    }
    TrainingSurvey survey = TrainingSurvey.of(config, table, split, manifest, saved);
    PriorArchitecture architecture = new PriorArchitecture(manifest.levels(), manifest.gridHeight(),
        manifest.gridWidth(), config.layers(), config.width(), config.heads(), config.mlpRatio(), survey.classes,
        config.factorised());
    if (saved != null) {
      files.checkSameRun(saved, architecture);
    }
    if (survey.trainRows == 0) {
      throw new BadDataException("Token table " + table.table() + " has no usable training rows ("
          + survey.describeSkipped() + ")");
    }
    int stepsPerEpoch = (int) ((survey.trainRows + config.batchSize() - 1) / config.batchSize());
    long totalSteps = (long) stepsPerEpoch * config.epochs();
    int warmup = config.warmupSteps() >= 0 ? config.warmupSteps() : (int) Math.min(1000, totalSteps / 20);
    List<EpochFigures> history = new ArrayList<>();
    try (PriorNetwork network = PriorNetwork.initialise(architecture, device, config.seed());
        AdamOptimizer optimizer = new AdamOptimizer(network, BETA1, BETA2, EPSILON, config.weightDecay())) {
      int firstEpoch = 1;
      int skipSteps = 0;
      if (saved != null) {
        try (NativeWork.Section section = NativeWork.JVM.enter()) {
          files.restore(network, optimizer);
        }
        int done = saved.get("epoch").getAsInt();
        skipSteps = saved.get("step_in_epoch").getAsInt();
        firstEpoch = done + 1;
        saved.getAsJsonArray("history").forEach(e -> history.add(EpochFigures.fromJson(e.getAsJsonObject())));
      }
      network.requireGradients();
      announce(network, survey, stepsPerEpoch, firstEpoch, saved == null ? -1 : skipSteps);
      for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
        boolean stopped = trainEpoch(table, split, architecture, network, optimizer, survey, epoch, skipSteps,
            stepsPerEpoch, totalSteps, warmup, history, interruption);
        skipSteps = 0;
        if (stopped) {
          break;
        }
      }
      try (NativeWork.Section section = NativeWork.JVM.enter()) {
        files.writePrior(network, manifest, table.table(), survey, history, optimizer.step());
      }
      EpochFigures last = history.isEmpty() ? null : history.get(history.size() - 1);
      return new Result(config.output(), last == null ? 0 : last.epoch(), optimizer.step(),
          last == null ? Double.NaN : last.trainLoss(), last == null ? Double.NaN : last.validationBitsPerToken(),
          last == null ? Double.NaN : last.validationCodedBitsPerToken(), List.copyOf(history));
    }
  }

  /** The run's first lines; {@code skipSteps} -1 for a run that does not resume. */
  private void announce(PriorNetwork network, TrainingSurvey survey, int stepsPerEpoch, int firstEpoch,
      int skipSteps) {
    progress.printf(Locale.ROOT, "prior: %s; %,d parameters on %s%n", network.architecture().describe(),
        network.size(), device);
    progress.printf(Locale.ROOT, "prior: %,d training grids, %,d held out by id hash (%.2f%%, %,d evaluated)%s; "
            + "%d steps of %d per epoch, epochs %d..%d%s%n", survey.trainRows, survey.validationRows,
        100 * config.validationFraction(), survey.validation.size(),
        survey.skipped() > 0 ? "; skipped " + survey.describeSkipped() : "", stepsPerEpoch, config.batchSize(),
        firstEpoch, config.epochs(), skipSteps < 0 ? "" : " (resuming after epoch " + (firstEpoch - 1)
            + (skipSteps > 0 ? " and " + skipSteps + " steps" : "") + ")");
    progress.flush();
    if (firstEpoch > config.epochs()) {
      progress.printf("prior: the checkpoint already holds %d epochs; raise --epochs to train more%n",
          firstEpoch - 1);
    }
  }

  /** Trains one epoch; returns true when the interruption asked to stop. */
  private boolean trainEpoch(TokenTableReader table, IdSplit split, PriorArchitecture architecture,
      PriorNetwork network, AdamOptimizer optimizer, TrainingSurvey survey, int epoch, int skipSteps, int stepsPerEpoch,
      long totalSteps, int warmup, List<EpochFigures> history, Interruption interruption) {
    long start = System.nanoTime();
    long lastReport = start;
    double lossSum = 0;
    long lossSteps = 0;
    long tokens = 0;
    int reportEvery = Math.max(1, stepsPerEpoch / 10);
    List<String> passthrough = config.condition() == null ? List.of() : List.of(config.condition());
    try (TokenTableReader.RowStream rows = table.epoch(split, IdSplit.Part.TRAIN, passthrough, config.seed(), epoch,
        config.shuffleBuffer())) {
      int step = 0;
      while (true) {
        List<int[]> grids = new ArrayList<>(config.batchSize());
        List<Integer> labels = new ArrayList<>(config.batchSize());
        fill(rows, survey, architecture, grids, labels);
        if (grids.isEmpty()) {
          break;
        }
        step++;
        if (step <= skipSteps) {
          continue;
        }
        long globalStep = (long) (epoch - 1) * stepsPerEpoch + step;
        MaskedBatch batch = MaskedBatch.of(grids, architecture.conditioned()
            ? labels.stream().mapToInt(Integer::intValue).toArray() : null, architecture, config.conditionDropout(),
            new SplittableRandom(mix(config.seed(), globalStep)));
        double loss = trainStep(network, optimizer, batch, learningRate(globalStep, totalSteps, warmup));
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException("The training loss became " + loss + " at epoch " + epoch + " step " + step
              + "; lower --learning-rate");
        }
        lossSum += loss;
        lossSteps++;
        tokens += (long) batch.size() * architecture.positions();
        long now = System.nanoTime();
        if (step % reportEvery == 0 || now - lastReport > 60_000_000_000L) {
          lastReport = now;
          progress.printf(Locale.ROOT, "prior: epoch %d/%d step %d/%d loss %.4f (%.3f bits) %,.0f tokens/s%n", epoch,
              config.epochs(), step, stepsPerEpoch, lossSum / lossSteps, lossSum / lossSteps / Math.log(2),
              tokens / ((now - start) / 1e9));
          progress.flush();
        }
        if (config.checkpointSteps() > 0 && step % config.checkpointSteps() == 0 && step < stepsPerEpoch) {
          try (NativeWork.Section section = NativeWork.JVM.enter()) {
            files.checkpoint(network, optimizer, table, epoch - 1, step, history);
          }
          if (interruption.stopAfter(epoch, step)) {
            return true;
          }
        }
      }
    }
    try (NativeWork.Section section = NativeWork.JVM.enter()) {
      return finishEpoch(table, network, optimizer, survey, epoch, (System.nanoTime() - start) / 1e9,
          lossSteps == 0 ? Double.NaN : lossSum / lossSteps, tokens, history, interruption);
    }
  }

  /** Validates, records and reports an epoch, and writes the checkpoint and the prior folder after it. */
  private boolean finishEpoch(TokenTableReader table, PriorNetwork network, AdamOptimizer optimizer,
      TrainingSurvey survey, int epoch, double seconds, double trainLoss, long tokens, List<EpochFigures> history,
      Interruption interruption) {
    PriorArchitecture architecture = network.architecture();
    ValidationCost validation;
    try (NoGradients noGradients = new NoGradients()) {
      validation = ValidationCost.of(network, architecture, survey, config.codingSteps());
    }
    EpochFigures figures = new EpochFigures(epoch, trainLoss, validation.bits(), validation.codedBits(),
        validation.bitsWithLabel(), seconds, tokens / seconds);
    history.add(figures);
    progress.printf(Locale.ROOT, "prior: epoch %d/%d done in %.0f s: train loss %.4f nats (%.3f bits) on masked"
            + " tokens; validation %s; %,.0f tokens/s%n", epoch, config.epochs(), seconds, trainLoss,
        trainLoss / Math.log(2), validation.describe(config.codingSteps()), figures.tokensPerSecond());
    progress.flush();
    files.checkpoint(network, optimizer, table, epoch, 0, history);
    files.writePrior(network, table.manifest(), table.table(), survey, history, optimizer.step());
    return interruption.stopAfter(epoch, 0);
  }

  /** The next batch of usable rows of the epoch, with their classes. */
  private void fill(TokenTableReader.RowStream rows, TrainingSurvey survey, PriorArchitecture architecture,
      List<int[]> grids, List<Integer> labels) {
    while (grids.size() < config.batchSize() && rows.hasNext()) {
      TokenRow row = rows.next();
      if (survey.usable(row, architecture)) {
        grids.add(row.tokens());
        labels.add(survey.labelOf(row, architecture));
      }
    }
  }

  /**
   * One step in a {@link NativeWork} section of its own, not one for the run: an exit (SIGTERM) waits for the
   * step in libtorch and the run stops before the next.
   */
  static double trainStep(PriorNetwork network, AdamOptimizer optimizer, MaskedBatch batch,
      float learningRate) {
    double loss;
    try (NativeWork.Section section = NativeWork.JVM.enter()) {
      try (NDManager scope = NDManager.newBaseManager(network.device())) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray value = batch.loss(scope, network);
          collector.backward(value);
          loss = value.getFloat();
        }
      }
      optimizer.update(learningRate);
    }
    return loss;
  }

  /** A benchmark harness that trains {@code network} in place. */
  public static PriorBenchmark benchmark(PriorNetwork network, float learningRate) {
    return new PriorBenchmark(network, learningRate);
  }

  /** Linear warm-up, then cosine decay to a tenth of the peak at the last planned step. */
  float learningRate(long step, long totalSteps, int warmup) {
    double peak = config.learningRate();
    if (warmup > 0 && step <= warmup) {
      return (float) (peak * step / warmup);
    }
    double progressShare = Math.min(1, (double) (step - warmup) / Math.max(1, totalSteps - warmup));
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progressShare));
    return (float) (peak * (FINAL_LEARNING_RATE_SHARE + (1 - FINAL_LEARNING_RATE_SHARE) * cosine));
  }

  private static long mix(long seed, long step) {
    long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

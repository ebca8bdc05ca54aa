package org.fsqspark.prior;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.fsqspark.io.IdSplit;
import org.fsqspark.io.TokenRow;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.model.TokenizerManifest;

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
  private static final String STATE_FILE = "state.json";
  private static final String WEIGHTS_FILE = "weights.bin";
  private static final String OPTIMIZER_FILE = "optimizer.bin";
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.98f;
  private static final float EPSILON = 1e-8f;
  /** Where the cosine decay ends, as a share of the peak learning rate. */
  private static final double FINAL_LEARNING_RATE_SHARE = 0.1;

  private final PriorTrainingConfig config;
  private final Device device;
  private final PrintWriter progress;

  /** Asked after every checkpoint whether to stop there (as if the run were killed); tests use it. */
  @FunctionalInterface
  public interface Interruption {
    boolean stopAfter(int epoch, int stepInEpoch);

    Interruption NEVER = (epoch, step) -> false;
  }

  /** What a run ended with: the last epoch's figures and where the prior is. */
  public record Result(Path output, int epochs, long steps, double trainLoss, double validationBitsPerToken,
      double validationCodedBitsPerToken, List<EpochFigures> history) {}

  /**
   * One epoch's figures. Validation costs are bits per token of coding the held-out grids with the M2T
   * schedule: ideal (-log2 p under the float model) and real (range-coded bytes); NaN without held-out grids.
   */
  public record EpochFigures(int epoch, double trainLoss, double validationBitsPerToken,
      double validationCodedBitsPerToken, double validationBitsPerTokenWithLabel, double seconds,
      double tokensPerSecond) {
    JsonObject toJson() {
      JsonObject json = new JsonObject();
      json.addProperty("epoch", epoch);
      json.addProperty("train_loss_nats", trainLoss);
      json.addProperty("train_loss_bits", trainLoss / Math.log(2));
      addFinite(json, "validation_bits_per_token", validationBitsPerToken);
      addFinite(json, "validation_coded_bits_per_token", validationCodedBitsPerToken);
      addFinite(json, "validation_bits_per_token_with_label", validationBitsPerTokenWithLabel);
      json.addProperty("seconds", seconds);
      json.addProperty("train_tokens_per_second", tokensPerSecond);
      return json;
    }

    static EpochFigures fromJson(JsonObject json) {
      return new EpochFigures(json.get("epoch").getAsInt(), json.get("train_loss_nats").getAsDouble(),
          optional(json, "validation_bits_per_token"), optional(json, "validation_coded_bits_per_token"),
          optional(json, "validation_bits_per_token_with_label"), json.get("seconds").getAsDouble(),
          json.get("train_tokens_per_second").getAsDouble());
    }
  }

  public PriorTrainer(PriorTrainingConfig config, Device device, PrintWriter progress) {
    this.config = config;
    this.device = device;
    this.progress = progress;
  }

  /** Trains (or resumes) on {@code table} and writes the prior folder. */
  public Result train(TokenTableReader table) {
    return train(table, Interruption.NEVER);
  }

  /** As {@link #train(TokenTableReader)}, stopping after the first checkpoint {@code interruption} accepts. */
  public Result train(TokenTableReader table, Interruption interruption) {
    TokenizerManifest manifest = table.manifest();
    IdSplit split = new IdSplit(config.validationFraction());
    JsonObject saved = config.resume() ? readState() : null;
    if (saved != null) {
      checkSameTokenizer(saved, manifest, table.table());
    }
    Survey survey = survey(table, split, manifest, saved);
    PriorArchitecture architecture = new PriorArchitecture(manifest.levels(), manifest.gridHeight(),
        manifest.gridWidth(), config.layers(), config.width(), config.heads(), config.mlpRatio(), survey.classes,
        config.factorised());
    if (saved != null) {
      checkSameRun(saved, architecture);
    }
    if (survey.trainRows == 0) {
      throw new IllegalArgumentException("Token table " + table.table() + " has no usable training rows ("
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
        restore(network, optimizer);
        int done = saved.get("epoch").getAsInt();
        skipSteps = saved.get("step_in_epoch").getAsInt();
        firstEpoch = done + 1;
        saved.getAsJsonArray("history").forEach(e -> history.add(EpochFigures.fromJson(e.getAsJsonObject())));
      }
      network.requireGradients();
      progress.printf(Locale.ROOT, "prior: %s; %,d parameters on %s%n", architecture.describe(), network.size(),
          device);
      progress.printf(Locale.ROOT, "prior: %,d training grids, %,d held out by id hash (%.2f%%, %,d evaluated)%s; "
              + "%d steps of %d per epoch, epochs %d..%d%s%n", survey.trainRows, survey.validationRows,
          100 * config.validationFraction(), survey.validation.size(),
          survey.skipped() > 0 ? "; skipped " + survey.describeSkipped() : "", stepsPerEpoch, config.batchSize(),
          firstEpoch, config.epochs(), saved == null ? "" : " (resuming after epoch " + (firstEpoch - 1)
              + (skipSteps > 0 ? " and " + skipSteps + " steps" : "") + ")");
      progress.flush();
      if (firstEpoch > config.epochs()) {
        progress.printf("prior: the checkpoint already holds %d epochs; raise --epochs to train more%n",
            firstEpoch - 1);
      }
      for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
        boolean stopped = trainEpoch(table, split, architecture, network, optimizer, survey, epoch, skipSteps,
            stepsPerEpoch, totalSteps, warmup, history, interruption);
        skipSteps = 0;
        if (stopped) {
          break;
        }
      }
      writePrior(network, manifest, table.table(), survey, history, optimizer.step());
      EpochFigures last = history.isEmpty() ? null : history.get(history.size() - 1);
      return new Result(config.output(), last == null ? 0 : last.epoch(), optimizer.step(),
          last == null ? Double.NaN : last.trainLoss(), last == null ? Double.NaN : last.validationBitsPerToken(),
          last == null ? Double.NaN : last.validationCodedBitsPerToken(), List.copyOf(history));
    }
  }

  /** Trains one epoch; returns true when the interruption asked to stop. */
  private boolean trainEpoch(TokenTableReader table, IdSplit split, PriorArchitecture architecture,
      PriorNetwork network, AdamOptimizer optimizer, Survey survey, int epoch, int skipSteps, int stepsPerEpoch,
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
        while (grids.size() < config.batchSize() && rows.hasNext()) {
          TokenRow row = rows.next();
          if (survey.usable(row, architecture)) {
            grids.add(row.tokens());
            labels.add(survey.labelOf(row, architecture));
          }
        }
        if (grids.isEmpty()) {
          break;
        }
        step++;
        if (step <= skipSteps) {
          continue;
        }
        long globalStep = (long) (epoch - 1) * stepsPerEpoch + step;
        SplittableRandom random = new SplittableRandom(mix(config.seed(), globalStep));
        MaskedBatch batch = MaskedBatch.of(grids, architecture.conditioned()
            ? labels.stream().mapToInt(Integer::intValue).toArray() : null, architecture, config.conditionDropout(),
            random);
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
          checkpoint(network, optimizer, table, epoch - 1, step, history);
          if (interruption.stopAfter(epoch, step)) {
            return true;
          }
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double trainLoss = lossSteps == 0 ? Double.NaN : lossSum / lossSteps;
    Validation validation;
    try (NoGradients noGradients = new NoGradients()) {
      validation = validate(network, architecture, survey);
    }
    EpochFigures figures = new EpochFigures(epoch, trainLoss, validation.bits, validation.codedBits,
        validation.bitsWithLabel, seconds, tokens / seconds);
    history.add(figures);
    progress.printf(Locale.ROOT, "prior: epoch %d/%d done in %.0f s: train loss %.4f nats (%.3f bits) on masked"
            + " tokens; validation %s; %,.0f tokens/s%n", epoch, config.epochs(), seconds, trainLoss,
        trainLoss / Math.log(2), validation.describe(config.codingSteps()), figures.tokensPerSecond());
    progress.flush();
    checkpoint(network, optimizer, table, epoch, 0, history);
    writePrior(network, table.manifest(), table.table(), survey, history, optimizer.step());
    return interruption.stopAfter(epoch, 0);
  }

  private static double trainStep(PriorNetwork network, AdamOptimizer optimizer, MaskedBatch batch,
      float learningRate) {
    double loss;
    try (NDManager scope = NDManager.newBaseManager(network.device())) {
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray value = batch.loss(scope, network);
        collector.backward(value);
        loss = value.getFloat();
      }
    }
    optimizer.update(learningRate);
    return loss;
  }

  /** Training steps on given grids without a table, checkpoints or validation: what a benchmark times. */
  public static final class Benchmark implements AutoCloseable {
    private final PriorNetwork network;
    private final AdamOptimizer optimizer;
    private final float learningRate;

    private Benchmark(PriorNetwork network, float learningRate) {
      this.network = network;
      this.learningRate = learningRate;
      this.optimizer = new AdamOptimizer(network, BETA1, BETA2, EPSILON, 0.01f);
      network.requireGradients();
    }

    /** One step (masking drawn from {@code step}); returns the loss in nats. */
    public double step(List<int[]> grids, long step) {
      PriorArchitecture architecture = network.architecture();
      int[] labels = null;
      if (architecture.conditioned()) {
        labels = new int[grids.size()];
        java.util.Arrays.fill(labels, architecture.nullClass());
      }
      MaskedBatch batch = MaskedBatch.of(grids, labels, architecture, 0f, new SplittableRandom(step));
      return trainStep(network, optimizer, batch, learningRate);
    }

    @Override
    public void close() {
      optimizer.close();
    }
  }

  /** A benchmark harness that trains {@code network} in place. */
  public static Benchmark benchmark(PriorNetwork network, float learningRate) {
    return new Benchmark(network, learningRate);
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

  // ---- validation ----

  private record Validation(double bits, double codedBits, double bitsWithLabel) {
    String describe(int steps) {
      if (Double.isNaN(bits)) {
        return "none (no held-out grids)";
      }
      return String.format(Locale.ROOT, "%.4f bits/token (M2T, %d steps, -log2 p; %.4f range-coded)%s", bits, steps,
          codedBits, Double.isNaN(bitsWithLabel) ? "" : String.format(Locale.ROOT, ", %.4f with the label",
              bitsWithLabel));
    }
  }

  private Validation validate(PriorNetwork network, PriorArchitecture architecture, Survey survey) {
    if (survey.validation.isEmpty()) {
      return new Validation(Double.NaN, Double.NaN, Double.NaN);
    }
    PriorCoder coder = new PriorCoder(network,
        CodingSchedule.of(architecture.gridHeight(), architecture.gridWidth(), config.codingSteps()),
        PriorCoder.DEFAULT_BATCH);
    PriorCoder.Coded coded = coder.encode(survey.validation, null);
    double tokens = coded.tokens();
    double withLabel = Double.NaN;
    if (architecture.conditioned()) {
      withLabel = coder.encode(survey.validation, survey.validationLabels()).idealBits() / tokens;
    }
    return new Validation(coded.idealBits() / tokens, coded.bytes().length * 8.0 / tokens, withLabel);
  }

  // ---- the table survey: counts, classes, held-out grids ----

  /** One pass over the table before training: split sizes, classes, rows that cannot be used. */
  private final class Survey {
    long trainRows;
    long validationRows;
    int classes;
    final List<int[]> validation = new ArrayList<>();
    final List<Integer> validationLabels = new ArrayList<>();
    final Map<String, Long> skippedByReason = new LinkedHashMap<>();

    long skipped() {
      return skippedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    String describeSkipped() {
      List<String> parts = new ArrayList<>();
      skippedByReason.forEach((reason, count) -> parts.add(String.format(Locale.ROOT, "%,d %s", count, reason)));
      return parts.isEmpty() ? "none skipped" : String.join(", ", parts);
    }

    int[] validationLabels() {
      return validationLabels.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Why a row cannot train this prior, or null when it can. */
    String problem(TokenRow row, int gridHeight, int gridWidth, int codebookSize) {
      if (!row.consistent()) {
        return "rows whose token count disagrees with grid_h x grid_w";
      }
      if (row.gridHeight() != gridHeight || row.gridWidth() != gridWidth) {
        return "rows with another grid than " + gridHeight + "x" + gridWidth;
      }
      for (int token : row.tokens()) {
        if (token < 0 || token >= codebookSize) {
          return "rows with tokens outside [0, " + codebookSize + ")";
        }
      }
      if (config.condition() != null) {
        Object label = row.passthrough()[0];
        if (label != null && !(label instanceof Integer || label instanceof Long)) {
          throw new IllegalArgumentException("--condition column '" + config.condition() + "' holds "
              + label.getClass().getSimpleName() + " values; it must hold integer class labels");
        }
        if (label != null && ((Number) label).longValue() < 0) {
          return "rows with a negative label";
        }
      }
      return null;
    }

    boolean usable(TokenRow row, PriorArchitecture architecture) {
      return problem(row, architecture.gridHeight(), architecture.gridWidth(), architecture.codebookSize()) == null
          && (!architecture.conditioned() || labelOf(row, architecture) <= architecture.classes());
    }

    /** The row's class, or the null class when it has no label. */
    int labelOf(TokenRow row, PriorArchitecture architecture) {
      if (!architecture.conditioned() || row.passthrough()[0] == null) {
        return architecture.nullClass();
      }
      long label = ((Number) row.passthrough()[0]).longValue();
      if (label >= architecture.classes()) {
        throw new IllegalArgumentException("Row " + row.id() + " has label " + label + " but the prior was made for "
            + architecture.classes() + " classes (0.." + (architecture.classes() - 1) + ")");
      }
      return (int) label;
    }
  }

  private Survey survey(TokenTableReader table, IdSplit split, TokenizerManifest manifest, JsonObject saved) {
    Survey survey = new Survey();
    List<String> passthrough = config.condition() == null ? List.of() : List.of(config.condition());
    long maxLabel = -1;
    List<TokenRow> heldOut = new ArrayList<>();
    try (TokenTableReader.RowStream rows = table.rows(split, IdSplit.Part.ALL, passthrough)) {
      while (rows.hasNext()) {
        TokenRow row = rows.next();
        String problem = survey.problem(row, manifest.gridHeight(), manifest.gridWidth(),
            manifest.levels().codebookSize());
        if (problem != null) {
          survey.skippedByReason.merge(problem, 1L, Long::sum);
          continue;
        }
        if (config.condition() != null && row.passthrough()[0] != null) {
          maxLabel = Math.max(maxLabel, ((Number) row.passthrough()[0]).longValue());
        }
        if (split.isValidation(row.id())) {
          survey.validationRows++;
          if (heldOut.size() < config.validationLimit()) {
            heldOut.add(row);
          }
        } else {
          survey.trainRows++;
        }
      }
    }
    if (config.condition() != null && maxLabel < 0) {
      throw new IllegalArgumentException("--condition column '" + config.condition() + "' has no labels in "
          + table.table());
    }
    if (maxLabel >= 1_000_000) {
      throw new IllegalArgumentException("--condition column '" + config.condition() + "' holds label " + maxLabel
          + "; class labels must be 0..999999");
    }
    survey.classes = saved != null ? PriorArchitecture.fromJson(saved.getAsJsonObject("architecture")).classes()
        : (int) (maxLabel + 1);
    PriorArchitecture shape = new PriorArchitecture(manifest.levels(), manifest.gridHeight(), manifest.gridWidth(), 1,
        8, 1, 1, survey.classes, false);
    for (TokenRow row : heldOut) {
      survey.validation.add(row.tokens());
      survey.validationLabels.add(survey.labelOf(row, shape));
    }
    return survey;
  }

  // ---- checkpoints and the prior folder ----

  private JsonObject readState() {
    Path state = config.output().resolve(CHECKPOINT_DIR).resolve(STATE_FILE);
    if (!Files.isRegularFile(state)) {
      throw new IllegalArgumentException("Nothing to resume: " + state + " does not exist; drop --resume to start"
          + " a new prior in an empty --output");
    }
    try {
      return JsonParser.parseString(Files.readString(state)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + state, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Checkpoint state " + state + " is damaged: " + e.getMessage(), e);
    }
  }

  private static void checkSameTokenizer(JsonObject saved, TokenizerManifest manifest, String table) {
    TokenizerManifest trained = PriorModel.tokenizerOf(saved, "checkpoint");
    if (!trained.equals(manifest)) {
      throw new IllegalArgumentException("Cannot resume on " + table + ": its tokens come from tokenizer "
          + manifest.name() + " " + manifest.levels() + shortSha(manifest) + ", the checkpoint was trained on "
          + trained.name() + " " + trained.levels() + shortSha(trained) + "; resume on a table of the same tokenizer"
          + " or train a new prior");
    }
  }

  private static String shortSha(TokenizerManifest manifest) {
    return manifest.sha256() == null ? "" : " (sha256 " + manifest.sha256().substring(0, 12) + ")";
  }

  private void checkSameRun(JsonObject saved, PriorArchitecture architecture) {
    PriorArchitecture savedArchitecture = PriorArchitecture.fromJson(saved.getAsJsonObject("architecture"));
    if (!savedArchitecture.equals(architecture)) {
      throw new IllegalArgumentException("The checkpoint is a prior of " + savedArchitecture.describe()
          + "; the flags ask for " + architecture.describe() + "; resume with the same flags");
    }
    JsonObject run = saved.getAsJsonObject("run");
    JsonObject now = runJson();
    for (String key : List.of("batch_size", "seed", "condition", "validation", "learning_rate", "weight_decay",
        "condition_dropout")) {
      if (!String.valueOf(run.get(key)).equals(String.valueOf(now.get(key)))) {
        throw new IllegalArgumentException("The checkpoint was trained with " + key + " " + run.get(key) + ", the"
            + " flags give " + now.get(key) + "; resume with the same settings");
      }
    }
  }

  private JsonObject runJson() {
    JsonObject run = new JsonObject();
    run.addProperty("batch_size", config.batchSize());
    run.addProperty("seed", config.seed());
    run.addProperty("condition", config.condition());
    run.addProperty("condition_dropout", config.conditionDropout());
    run.addProperty("validation", config.validationFraction());
    run.addProperty("learning_rate", config.learningRate());
    run.addProperty("weight_decay", config.weightDecay());
    run.addProperty("warmup_steps", config.warmupSteps());
    run.addProperty("epochs", config.epochs());
    run.addProperty("adam_betas", BETA1 + "," + BETA2);
    run.addProperty("objective", "MaskGIT: mask ratio cos(pi/2 u), cross-entropy on masked positions");
    return run;
  }

  private void checkpoint(PriorNetwork network, AdamOptimizer optimizer, TokenTableReader table, int epochsDone,
      int stepInEpoch, List<EpochFigures> history) {
    TokenizerManifest manifest = table.manifest();
    Path directory = config.output().resolve(CHECKPOINT_DIR);
    try {
      Files.createDirectories(directory);
      String weightsSha = writeAtomically(directory.resolve(WEIGHTS_FILE), out -> network.write(out));
      String optimizerSha = writeAtomically(directory.resolve(OPTIMIZER_FILE), out -> optimizer.write(out));
      JsonObject state = new JsonObject();
      state.addProperty("epoch", epochsDone);
      state.addProperty("step_in_epoch", stepInEpoch);
      state.addProperty("optimizer_step", optimizer.step());
      state.addProperty("weights_sha256", weightsSha);
      state.addProperty("optimizer_sha256", optimizerSha);
      state.addProperty("table", table.table());
      state.add("architecture", network.architecture().toJson());
      state.add("tokenizer", JsonParser.parseString(manifest.toJson()));
      state.add("run", runJson());
      JsonArray figures = new JsonArray();
      history.forEach(f -> figures.add(f.toJson()));
      state.add("history", figures);
      // The state file goes last: it names the checksums of the files it belongs to.
      writeAtomically(directory.resolve(STATE_FILE),
          out -> out.write(pretty(state).getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write a checkpoint to " + directory, e);
    }
  }

  private void restore(PriorNetwork network, AdamOptimizer optimizer) {
    Path directory = config.output().resolve(CHECKPOINT_DIR);
    JsonObject state = readState();
    try {
      byte[] weights = Files.readAllBytes(directory.resolve(WEIGHTS_FILE));
      byte[] moments = Files.readAllBytes(directory.resolve(OPTIMIZER_FILE));
      if (!PriorModel.sha256(weights).equals(state.get("weights_sha256").getAsString())
          || !PriorModel.sha256(moments).equals(state.get("optimizer_sha256").getAsString())) {
        throw new IllegalArgumentException("The checkpoint in " + directory + " is torn (its files do not match "
            + STATE_FILE + "); start a new prior");
      }
      try (PriorNetwork loaded = PriorNetwork.read(network.architecture(), network.device(),
          new DataInputStream(new java.io.ByteArrayInputStream(weights)))) {
        for (Map.Entry<String, NDArray> entry : network.parameters().entrySet()) {
          // In place: replacing the arrays would detach them from the optimizer's moments.
          entry.getValue().set(loaded.parameters().get(entry.getKey()).toFloatArray());
        }
      }
      optimizer.read(new DataInputStream(new java.io.ByteArrayInputStream(moments)));
      if (optimizer.step() != state.get("optimizer_step").getAsLong()) {
        throw new IllegalArgumentException("The checkpoint in " + directory + " is torn (optimizer step differs)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the checkpoint in " + directory, e);
    }
  }

  private void writePrior(PriorNetwork network, TokenizerManifest manifest, String table, Survey survey,
      List<EpochFigures> history, long steps) {
    try {
      Files.createDirectories(config.output());
      String sha = writeAtomically(config.output().resolve(PriorModel.WEIGHTS_FILE), out -> network.write(out));
      JsonObject json = new JsonObject();
      json.addProperty("format", PriorModel.FORMAT);
      json.addProperty("version", 1);
      json.addProperty("weights", PriorModel.WEIGHTS_FILE);
      json.addProperty("sha256", sha);
      json.add("architecture", network.architecture().toJson());
      json.add("tokenizer", JsonParser.parseString(manifest.toJson()));
      json.addProperty("table", table);
      json.addProperty("parameters", network.size());
      JsonObject data = new JsonObject();
      data.addProperty("train_grids", survey.trainRows);
      data.addProperty("validation_grids", survey.validationRows);
      data.addProperty("validation_grids_evaluated", survey.validation.size());
      data.addProperty("split", "validation iff SHA-256(id)[0:8] / 2^64 < " + config.validationFraction());
      data.addProperty("skipped", survey.describeSkipped());
      data.addProperty("condition", config.condition());
      json.add("data", data);
      JsonObject run = runJson();
      run.addProperty("optimizer_steps", steps);
      run.addProperty("epochs_done", history.isEmpty() ? 0 : history.get(history.size() - 1).epoch());
      json.add("training", run);
      JsonObject validation = new JsonObject();
      validation.addProperty("measure", "bits per token of coding the held-out grids with the M2T schedule of "
          + config.codingSteps() + " steps: -log2 p under the float model (bits_per_token) and range-coded"
          + " (coded_bits_per_token); without a label (the null class) unless named otherwise");
      validation.addProperty("coding_steps", config.codingSteps());
      json.add("validation", validation);
      JsonArray figures = new JsonArray();
      history.forEach(f -> figures.add(f.toJson()));
      json.add("history", figures);
      writeAtomically(config.output().resolve(PriorModel.JSON_FILE),
          out -> out.write(pretty(json).getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the prior to " + config.output(), e);
    }
  }

  @FunctionalInterface
  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  /** Writes beside the final name and moves it there; returns the sha256 of what was written. */
  private static String writeAtomically(Path file, Writer writer) throws IOException {
    Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary)))) {
      writer.write(out);
    }
    byte[] bytes = Files.readAllBytes(temporary);
    try {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return PriorModel.sha256(bytes);
  }

  private static String pretty(JsonObject json) {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(json) + "\n";
  }

  private static void addFinite(JsonObject json, String key, double value) {
    if (Double.isFinite(value)) {
      json.addProperty(key, value);
    }
  }

  private static double optional(JsonObject json, String key) {
    return json.has(key) ? json.get(key).getAsDouble() : Double.NaN;
  }
}

package org.fsqspark.prior;

import ai.djl.ndarray.NDArray;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadDataException;
import org.fsqspark.error.BadInputException;
import org.fsqspark.io.TokenTableReader;

/**
 * The files of a prior training run: the checkpoint (weights, optimizer moments and step, data position, written
 * atomically with the state file last) that {@code --resume} checks and restores, and the prior folder itself.
 */
final class PriorFiles {
  private static final String STATE_FILE = "state.json";
  private static final String WEIGHTS_FILE = "weights.bin";
  private static final String OPTIMIZER_FILE = "optimizer.bin";

  private final PriorTrainingConfig config;

  PriorFiles(PriorTrainingConfig config) {
    this.config = config;
  }

  JsonObject readState() {
    Path state = config.output().resolve(PriorTrainer.CHECKPOINT_DIR).resolve(STATE_FILE);
    if (!Files.isRegularFile(state)) {
      throw new BadInputException("Nothing to resume: " + state + " does not exist; drop --resume to start"
          + " a new prior in an empty --output");
    }
    try {
      return JsonParser.parseString(Files.readString(state)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + state, e);
    } catch (RuntimeException e) {
      throw new BadDataException("Checkpoint state " + state + " is damaged: " + e.getMessage(), e);
    }
  }

  static void checkSameTokenizer(JsonObject saved, TokenizerManifest manifest, String table) {
    TokenizerManifest trained = PriorModel.tokenizerOf(saved, "checkpoint");
    if (!trained.equals(manifest)) {
      throw new BadInputException("Cannot resume on " + table + ": its tokens come from tokenizer "
          + manifest.name() + " " + manifest.levels() + shortSha(manifest) + ", the checkpoint was trained on "
          + trained.name() + " " + trained.levels() + shortSha(trained) + "; resume on a table of the same tokenizer"
          + " or train a new prior");
    }
  }

  private static String shortSha(TokenizerManifest manifest) {
    return manifest.sha256() == null ? "" : " (sha256 " + manifest.sha256().substring(0, 12) + ")";
  }

  void checkSameRun(JsonObject saved, PriorArchitecture architecture) {
    PriorArchitecture savedArchitecture = PriorArchitecture.fromJson(saved.getAsJsonObject("architecture"));
    if (!savedArchitecture.equals(architecture)) {
      throw new BadInputException("The checkpoint is a prior of " + savedArchitecture.describe()
          + "; the flags ask for " + architecture.describe() + "; resume with the same flags");
    }
    JsonObject run = saved.getAsJsonObject("run");
    JsonObject now = runJson();
    for (String key : List.of("batch_size", "seed", "condition", "validation", "learning_rate", "weight_decay",
        "condition_dropout")) {
      if (!String.valueOf(run.get(key)).equals(String.valueOf(now.get(key)))) {
        throw new BadInputException("The checkpoint was trained with " + key + " " + run.get(key) + ", the"
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
    run.addProperty("adam_betas", PriorTrainer.BETA1 + "," + PriorTrainer.BETA2);
    run.addProperty("objective", "MaskGIT: mask ratio cos(pi/2 u), cross-entropy on masked positions");
    return run;
  }

  void checkpoint(PriorNetwork network, AdamOptimizer optimizer, TokenTableReader table, int epochsDone,
      int stepInEpoch, List<EpochFigures> history) {
    TokenizerManifest manifest = table.manifest();
    Path directory = config.output().resolve(PriorTrainer.CHECKPOINT_DIR);
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

  void restore(PriorNetwork network, AdamOptimizer optimizer) {
    Path directory = config.output().resolve(PriorTrainer.CHECKPOINT_DIR);
    JsonObject state = readState();
    try {
      byte[] weights = Files.readAllBytes(directory.resolve(WEIGHTS_FILE));
      byte[] moments = Files.readAllBytes(directory.resolve(OPTIMIZER_FILE));
      if (!PriorModel.sha256(weights).equals(state.get("weights_sha256").getAsString())
          || !PriorModel.sha256(moments).equals(state.get("optimizer_sha256").getAsString())) {
        throw new BadDataException("The checkpoint in " + directory + " is torn (its files do not match "
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
        throw new BadDataException("The checkpoint in " + directory + " is torn (optimizer step differs)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the checkpoint in " + directory, e);
    }
  }

  void writePrior(PriorNetwork network, TokenizerManifest manifest, String table, TrainingSurvey survey,
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
}

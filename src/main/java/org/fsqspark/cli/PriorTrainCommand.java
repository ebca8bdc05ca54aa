package org.fsqspark.cli;

import ai.djl.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.prior.CodingSchedule;
import org.fsqspark.prior.PriorTrainer;
import org.fsqspark.prior.PriorTrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.fsqspark.error.BadInputException;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Train a masked-transformer prior (MaskGIT objective) on a token table.",
        "Reads the part files directly (no Spark): a validation share held out by a hash of id, every "
            + "epoch shuffled from the seed through a bounded buffer. Prints the train loss and the "
            + "validation cost (bits per token of coding the held-out grids with the M2T schedule) per "
            + "epoch; writes prior.json, prior.weights and checkpoint/ to --output after every epoch. "
            + "--resume continues from the checkpoint (optimizer state included) and refuses a table made "
            + "by another tokenizer."})
final class PriorTrainCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "TOKENS",
      description = "Token table folder (fsq tokenize --output).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PRIOR",
      description = "Local folder for the prior: new or empty, or the folder to --resume.")
  Path output;

  @Option(names = "--condition", paramLabel = "COLUMN",
      description = "Passthrough column of integer class labels to condition on (e.g. label); none by default.")
  String condition;

  @Option(names = "--condition-dropout", defaultValue = "0.1", paramLabel = "SHARE",
      description = "Share of grids trained without their label, so the prior also works without one "
          + "(default: ${DEFAULT-VALUE}).")
  float conditionDropout;

  @Option(names = "--layers", paramLabel = "N", defaultValue = "4",
      description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--width", paramLabel = "N", defaultValue = "128",
      description = "Model width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--heads", paramLabel = "N", defaultValue = "4",
      description = "Attention heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--mlp-ratio", defaultValue = "4", paramLabel = "N",
      description = "MLP width as a multiple of the model width (default: ${DEFAULT-VALUE}).")
  int mlpRatio;

  @Option(names = "--embedding", defaultValue = "factorised", paramLabel = "factorised|full",
      description = "Token embedding: the sum of one embedding per FSQ channel digit, or one row per code "
          + "(default: ${DEFAULT-VALUE}).")
  String embedding;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "10",
      description = "Epoch to train up to (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
      description = "Grids per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.001", paramLabel = "LR",
      description = "Peak Adam learning rate; linear warm-up, then cosine decay to a tenth "
          + "(default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--warmup", defaultValue = "-1", paramLabel = "STEPS",
      description = "Warm-up steps; -1: min(1000, 5%% of all steps) (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--weight-decay", paramLabel = "X", defaultValue = "0.01",
      description = "AdamW decay (default: ${DEFAULT-VALUE}).")
  float weightDecay;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--validation", defaultValue = "0.01", paramLabel = "SHARE",
      description = "Share of ids held out for validation, by hash (default: ${DEFAULT-VALUE}).")
  double validation;

  @Option(names = "--validation-limit", defaultValue = "2000", paramLabel = "N",
      description = "Held-out grids evaluated per epoch at most (default: ${DEFAULT-VALUE}).")
  int validationLimit;

  @Option(names = "--prior-steps", defaultValue = "" + CodingSchedule.DEFAULT_STEPS, paramLabel = "S",
      description = "Steps of the M2T schedule the validation cost is measured with (default: ${DEFAULT-VALUE}).")
  int codingSteps;

  @Option(names = "--shuffle-buffer", defaultValue = "65536", paramLabel = "ROWS",
      description = "Rows the epoch shuffle holds in memory at most (default: ${DEFAULT-VALUE}).")
  int shuffleBuffer;

  @Option(names = "--checkpoint-steps", defaultValue = "0", paramLabel = "N",
      description = "Also checkpoint every N steps within an epoch; 0: after every epoch only "
          + "(default: ${DEFAULT-VALUE}).")
  int checkpointSteps;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu|gpu:N",
      description = "Where to train (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
      description = "libtorch intra-op threads on the CPU; 0: one per core (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--resume", description = "Continue from PRIOR/checkpoint.")
  boolean resume;

  @Option(names = "--overwrite",
      description = "Replace an earlier prior in --output (only the files fsq prior train writes are deleted).")
  boolean overwrite;

  @Override
  public Integer call() {
    if (!embedding.equals("factorised") && !embedding.equals("full")) {
      throw new BadInputException("--embedding must be factorised or full, got " + embedding);
    }
    PriorTrainingConfig config = new PriorTrainingConfig(output, condition, conditionDropout, layers, width, heads,
        mlpRatio, embedding.equals("factorised"), epochs, batchSize, learningRate, warmup, weightDecay, seed,
        validation, validationLimit, codingSteps, shuffleBuffer, checkpointSteps, resume);
    if (overwrite && resume) {
      throw new BadInputException("--overwrite starts over and --resume continues; pass only one of them");
    }
    OutputFolder folder = OutputFolder.check(new org.apache.hadoop.conf.Configuration(),
        "file:" + output.toAbsolutePath(), PriorTrainer.OUTPUT,
        overwrite ? OutputFolder.Reuse.REPLACE : resume ? OutputFolder.Reuse.RESUME : OutputFolder.Reuse.REFUSE,
        new OutputFolder.Input("--input", input));
    JvmModelCache.limitEngineThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    Device target = DeviceRequest.parse(device, false).resolve(null);
    TokenTableReader table = TokenTableReader.open(new org.apache.hadoop.conf.Configuration(), input);
    folder.prepare();
    PrintWriter err = spec.commandLine().getErr();
    PriorTrainer.Result result = new PriorTrainer(config, target, err).train(table);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "prior written to %s: %d epochs, %,d steps, train loss %.4f nats, validation %.4f"
        + " bits/token (M2T, %d steps, range-coded %.4f)%n", result.output(), result.epochs(), result.steps(), result.trainLoss(),
        result.validationBitsPerToken(), codingSteps, result.validationCodedBitsPerToken());
    out.flush();
    return 0;
  }
}

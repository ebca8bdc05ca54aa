package org.fsqspark.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.IdxImages;
import org.fsqspark.train.FsqAutoencoderTrainer;
import org.fsqspark.train.TrainConfig;
import org.fsqspark.train.ValidationMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train the project's convolutional FSQ autoencoder.",
        "MSE loss, straight-through rounding, no auxiliary losses. Writes a model folder (tokenizer.json,",
        "encoder and decoder weights) that tokenize --model loads as-is."})
final class TrainCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist", paramLabel = "DIR",
      description = "Folder with IDX files (train-images-idx3-ubyte[.gz] ...) (default: ${DEFAULT-VALUE};"
          + " apt-get install -y dataset-fashion-mnist).")
  Path data;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Model folder to write.")
  Path output;

  @Option(names = "--levels", defaultValue = "8,5,5,5", paramLabel = "L0,L1,...",
      description = "FSQ levels (default: ${DEFAULT-VALUE}).")
  String levels;

  @Option(names = "--bound", defaultValue = "atanh", paramLabel = "BOUND",
      description = "Bound variant (default: ${DEFAULT-VALUE}).")
  String bound;

  @Option(names = "--widths", defaultValue = "32,64", split = ",", paramLabel = "W1,W2",
      description = "Encoder channel widths; each halves the grid (default: ${DEFAULT-VALUE}).")
  int[] widths;

  @Option(names = "--epochs", defaultValue = "8", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.002", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--validation", defaultValue = "5000", paramLabel = "N",
      description = "Images held out for validation (default: ${DEFAULT-VALUE}).")
  int validation;

  @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
      description = "Use at most N training images; 0 for all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--name", defaultValue = "fsq-conv-ae", description = "Model name in the manifest (default: ${DEFAULT-VALUE}).")
  String name;

  @Override
  public Integer call() throws Exception {
    TrainConfig config = new TrainConfig(Levels.parse(levels), Bound.parse(bound),
        Arrays.stream(widths).boxed().toList(), epochs, batchSize, learningRate, seed, validation, limit, name, output);
    PrintWriter out = spec.commandLine().getOut();
    IdxImages images = IdxImages.readSplit(data, "train");
    ValidationMetrics metrics = new FsqAutoencoderTrainer(config, spec.commandLine().getErr()).train(images);
    out.printf(Locale.ROOT, "model written to %s: validation PSNR %.2f dB, codebook usage %.1f%% (%d of %d)%n", output,
        metrics.psnr(), metrics.codebookUsage() * 100, metrics.codesUsed(), config.levels().codebookSize());
    out.flush();
    return 0;
  }
}

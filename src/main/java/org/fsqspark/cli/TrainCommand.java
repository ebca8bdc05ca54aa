package org.fsqspark.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fsqspark.error.BadInputException;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.IdxImages;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.train.AutoencoderTrainer;
import org.fsqspark.train.ConvergenceRule;
import org.fsqspark.train.DecodedTrainingImages;
import org.fsqspark.train.IdxTrainingImages;
import org.fsqspark.train.TrainConfig;
import org.fsqspark.train.TrainingImages;
import org.fsqspark.train.ValidationMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Train the project's convolutional FSQ autoencoder (or the VQ-VAE baseline).",
        "FSQ: reconstruction (MSE) loss only, straight-through rounding, no auxiliary losses. VQ: a "
            + "learned codebook with codebook and commitment losses and no extra tricks, as in the FSQ paper's "
            + "comparison. Writes a model folder (tokenizer.json, encoder and decoder weights, the codebook "
            + "for VQ) that tokenize and decode load as-is, and checkpoints every epoch to DIR/checkpoint "
            + "(continue with --resume)."})
final class TrainCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist", paramLabel = "PATH",
      description = "Training images: a folder with IDX files (train-images-idx3-ubyte[.gz]), or images, Parquet"
          + " or tars as tokenize reads them (default: ${DEFAULT-VALUE}; apt-get install -y dataset-fashion-mnist).")
  String data;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Model folder to write.")
  Path output;

  @Option(names = "--quantizer", defaultValue = "fsq", paramLabel = "fsq|vq",
      description = "Bottleneck: fsq or vq (default: ${DEFAULT-VALUE}).")
  String quantizer;

  @Option(names = "--levels", defaultValue = "8,5,5,5", paramLabel = "L0,L1,...",
      description = "FSQ levels; for VQ their count is the latent dimension (default: ${DEFAULT-VALUE}).")
  String levels;

  @Option(names = "--bound", defaultValue = "atanh", paramLabel = "BOUND",
      description = "FSQ bound variant (default: ${DEFAULT-VALUE}).")
  String bound;

  @Option(names = "--codebook-size", defaultValue = "0", paramLabel = "N", description = "VQ codebook size.")
  int codebookSize;

  @Option(names = "--commitment", defaultValue = "0.25", paramLabel = "BETA",
      description = "VQ commitment loss weight (default: ${DEFAULT-VALUE}).")
  float commitment;

  @Option(names = "--widths", defaultValue = "32,64", split = ",", paramLabel = "W1,W2",
      description = "Encoder channel widths; each halves the grid (default: ${DEFAULT-VALUE}).")
  int[] widths;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "12",
      description = "Epochs; with --converge-usage and --converge-psnr the most epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--converge-usage", defaultValue = "0", paramLabel = "SHARE",
      description = "Stop early once validation codebook usage moved by less than SHARE (0.005 = half a percentage "
          + "point) over two epochs, and PSNR by less than --converge-psnr; 0 trains all --epochs (default).")
  double convergeUsage;

  @Option(names = "--converge-psnr", defaultValue = "0", paramLabel = "DB",
      description = "Stop early once validation PSNR moved by less than DB over two epochs (with --converge-usage).")
  double convergePsnr;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", paramLabel = "X", defaultValue = "0.002",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--validation", defaultValue = "5000", paramLabel = "N",
      description = "Images held out (from the end) for validation (default: ${DEFAULT-VALUE}).")
  int validation;

  @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
      description = "Use at most N training images; 0 for all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--image-size", defaultValue = "28", paramLabel = "PIXELS",
      description = "Side of the square training images for non-IDX data (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(names = "--channels", paramLabel = "N", defaultValue = "1",
      description = "1 (gray) or 3 (RGB) for non-IDX data (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--image-column", paramLabel = "NAME", defaultValue = "image",
      description = "Image column of Parquet data (default: ${DEFAULT-VALUE}).")
  String imageColumn;

  @Option(names = "--resume", description = "Continue from DIR/checkpoint (weights and epoch; Adam's moments restart).")
  boolean resume;

  @Option(names = "--overwrite",
      description = "Replace the model of an earlier train run in --output: deletes only the files train writes "
          + "there, and refuses a folder that holds anything else.")
  boolean overwrite;

  @Option(names = "--name", paramLabel = "NAME", defaultValue = "fsq-conv-ae",
      description = "Model name in the manifest (default: ${DEFAULT-VALUE}).")
  String name;

  @Override
  public Integer call() throws Exception {
    TrainConfig config = new TrainConfig(quantizer, Levels.parse(levels), Bound.parse(bound), codebookSize, commitment,
        Arrays.stream(widths).boxed().toList(), epochs, batchSize, learningRate, seed, validation, limit, name, output,
        resume);
    ConvergenceRule rule = convergence();
    PrintWriter out = spec.commandLine().getOut();
    if (overwrite && resume) {
      throw new BadInputException("--overwrite starts over and --resume continues; pass only one of them");
    }
    OutputFolder folder = OutputFolder.check(new org.apache.hadoop.conf.Configuration(),
        "file:" + output.toAbsolutePath(), AutoencoderTrainer.OUTPUT,
        overwrite ? OutputFolder.Reuse.REPLACE : resume ? OutputFolder.Reuse.RESUME : OutputFolder.Reuse.REFUSE,
        new OutputFolder.Input("--data", data));
    TrainingImages images = load();
    folder.prepare();
    ValidationMetrics metrics = new AutoencoderTrainer(config, rule, spec.commandLine().getErr())
        .train(images);
    out.printf(Locale.ROOT, "model written to %s: validation PSNR %.2f dB, codebook usage %.1f%% (%d of %d)%n", output,
        metrics.psnr(), metrics.codebookUsage() * 100, metrics.codesUsed(), config.tokenCount());
    out.flush();
    return 0;
  }

  private ConvergenceRule convergence() {
    if ((convergeUsage > 0) != (convergePsnr > 0)) {
      throw new BadInputException("--converge-usage and --converge-psnr work together: pass both (e.g. "
          + "--converge-usage 0.005 --converge-psnr 0.05), got " + convergeUsage + " and " + convergePsnr);
    }
    return ConvergenceRule.overTwoEpochs(convergeUsage, convergePsnr);
  }

  private TrainingImages load() throws Exception {
    Path folder = Path.of(data);
    if (Files.isDirectory(folder) && (Files.exists(folder.resolve("train-images-idx3-ubyte.gz"))
        || Files.exists(folder.resolve("train-images-idx3-ubyte")))) {
      return new IdxTrainingImages(IdxImages.readSplit(folder, "train"));
    }
    DecodedTrainingImages images = DecodedTrainingImages.load(new org.apache.hadoop.conf.Configuration(), data,
        imageColumn, channels, imageSize, imageSize, 0);
    spec.commandLine().getErr().printf("train: decoded %d images from %s (%d could not be decoded)%n", images.count(),
        data, images.skipped());
    return images;
  }
}

package org.fsqspark.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.jobs.SparkSessions;
import org.fsqspark.jobs.TokenizeConfig;
import org.fsqspark.jobs.TokenizeJob;
import org.fsqspark.jobs.TokenizeResult;
import org.fsqspark.model.DeviceRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tokenize", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Tokenize images with an FSQ encoder into a Parquet token table.",
        "",
        "Reads PNG and JPEG files under --input recursively, decodes and preprocesses them on executors, runs",
        "the encoder through DJL (one model per executor JVM, batched), applies FSQ and writes --output:",
        "  part-*.parquet     id, tokens (array<int32>), grid_h, grid_w, height, width",
        "  _rejects/          inputs that could not be tokenized: id, source, stage, error",
        "  _tokenizer.json    the tokenizer manifest (also in the Parquet footer)",
        "  _job.json          counts and settings of the run"})
final class TokenizeCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "URI", description = "Folder of images (local, hdfs://, s3a://).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "URI", description = "Token table folder to create.")
  String output;

  @Option(names = "--model", defaultValue = "default", paramLabel = "default|DIR",
      description = "Tokenizer: 'default' (bundled, Fashion-MNIST, 28x28 gray, levels 8,5,5,5) or a model folder"
          + " with tokenizer.json (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N",
      description = "Images per encoder call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu|gpu:N",
      description = "Where the encoder runs; auto uses the GPU Spark assigned to the task, else CPU"
          + " (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--allow-cpu-fallback", description = "Run on CPU when a GPU is requested but CUDA is missing.")
  boolean allowCpuFallback;

  @Option(names = "--max-pixels", paramLabel = "N",
      description = "Reject images whose header declares more pixels than this (default: 67108864).")
  long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;

  @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
      description = "Spark tasks to split the files into; 0 = about 1024 files per task, at least two tasks per"
          + " core (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--overwrite", description = "Replace --output if it exists.")
  boolean overwrite;

  @Option(names = "--progress-interval", defaultValue = "5", paramLabel = "SECONDS",
      description = "Seconds between progress lines; 0 for none (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() {
    TokenizeConfig config = new TokenizeConfig(input, output, model, batchSize, maxPixels,
        DeviceRequest.parse(device, allowCpuFallback), overwrite, progressSeconds, partitions);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SparkSession spark = SparkSessions.start("fsq tokenize", sparkOptions.settings());
    try {
      TokenizeResult result = new TokenizeJob(spark, config, err).run();
      out.printf(Locale.ROOT, "tokenized %d of %d images (%d rejected) into %s%n", result.tokenized(),
          result.inputs(), result.rejected(), result.output());
      out.printf(Locale.ROOT, "%d tokens in %.1f s end to end; %d task(s) in %d executor JVM(s), model loaded %d time(s)%n",
          result.tokens(), result.seconds(), result.tasks(), result.executorJvms(), result.modelLoads());
      if (result.rejected() > 0) {
        out.printf(Locale.ROOT, "rejects: %s/_rejects (id, source, stage, error)%n", result.output());
      }
      out.flush();
      if (result.tokenized() == 0) {
        err.printf("fsq tokenize: error: all %d inputs were rejected; see %s/_rejects for the reasons%n",
            result.inputs(), result.output());
        err.flush();
        return 3;
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}

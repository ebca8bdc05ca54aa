package org.fsqspark.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.pipeline.DecodeConfig;
import org.fsqspark.jobs.DecodeJob;
import org.fsqspark.pipeline.DecodeResult;
import org.fsqspark.jobs.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "decode", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Turn tokens back into images with the model's decoder.",
        "Writes images/ (one PNG per image, named by id, or a Parquet table with --format parquet) and "
            + "decode.json to --output. With --originals (the folder the tokens were made from), also the PSNR "
            + "of every image against its source, preprocessed as tokenize did (psnr/), the mean, and "
            + "grid.png: originals above their reconstructions."})
final class DecodeCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "URI", description = "Token table (fsq tokenize --output).")
  String input;

  @Option(names = "--model", defaultValue = "default", paramLabel = "default|DIR",
      description = "The model that made the tokens (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--output", required = true, paramLabel = "URI", description = "Folder for the images.")
  String output;

  @Option(names = "--format", defaultValue = "png", paramLabel = "png|parquet",
      description = "PNG files, or a Parquet table (id, image bytes) (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--originals", paramLabel = "URI",
      description = "The image folder the tokens were made from, to measure PSNR.")
  String originals;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
      description = "Images per decoder call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--overwrite",
      description = "Replace the output of an earlier decode run in --output: deletes only the files decode "
          + "writes there, and refuses a folder that holds anything else.")
  boolean overwrite;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() {
    DecodeConfig config = new DecodeConfig(input, model, output, format, originals, batchSize, overwrite);
    PrintWriter out = spec.commandLine().getOut();
    java.util.Map<String, String> settings = sparkOptions.settingsReaching(spec.commandLine().getErr(), input,
        output);
    TableInputCheck.beforeSpark(settings, output, org.fsqspark.jobs.DecodeJob.OUTPUT, overwrite,
        org.fsqspark.io.OutputFolder.Reuse.RESUME,
        new org.fsqspark.io.OutputFolder.Input("--input", input),
        new org.fsqspark.io.OutputFolder.Input("--originals", originals),
        new org.fsqspark.io.OutputFolder.Input("--model", "default".equals(model) ? null : model));
    SparkSession spark = SparkSessions.start("fsq decode", settings);
    try {
      DecodeResult result = new DecodeJob(spark, config, spec.commandLine().getErr()).run();
      out.printf(Locale.ROOT, "decoded %d images into %s%n", result.images(), result.output());
      if (result.compared() > 0) {
        out.printf(Locale.ROOT, "PSNR against the originals: %.2f dB mean over %d images (%d originals missing)%n",
            result.meanPsnr(), result.compared(), result.missingOriginals());
        out.printf(Locale.ROOT, "originals over reconstructions: %s%n", result.gridFile());
      }
      if (result.rejected() > 0) {
        out.printf(Locale.ROOT, "rejected %d token rows the model cannot decode: %s/_rejects (id, source, stage,"
            + " error)%n", result.rejected(), result.output());
      }
      out.flush();
      if (result.images() == 0 && result.rejected() > 0) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf("fsq decode: error: all %d token rows were rejected; see %s/_rejects for the reasons%n",
            result.rejected(), result.output());
        err.flush();
        return 3;
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}

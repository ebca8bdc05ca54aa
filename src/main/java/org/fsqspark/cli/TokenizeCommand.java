package org.fsqspark.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.contract.Variants;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.io.InputFormat;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.jobs.TokenizeJob;
import org.fsqspark.pipeline.TokenizePrelude;
import org.fsqspark.pipeline.TokenizeResult;
import org.fsqspark.model.DeviceRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tokenize", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Tokenize images with an FSQ encoder into a Parquet token table.",
        "",
        "Input: image folders (PNG, JPEG, WebP, BMP, GIF, TIFF), Parquet files with an image column "
            + "(Hugging Face style), or WebDataset tars, on local disks, HDFS or S3 (s3a). Work is cut into shards "
            + "(runs of files, one Parquet file, one tar); each shard's output is committed on its own, so "
            + "re-running the same command after a failure finishes the missing shards and never duplicates "
            + "rows. --output gets:",
        "  part-NNNNN.parquet  id, tokens, grid_h, grid_w, height, width, [variant,] --keep columns",
        "  _rejects/           what could not be tokenized: id, source, stage, error",
        "  _tokenizer.json     the tokenizer manifest (also in every Parquet footer)",
        "  _job.json           written last, once the table is complete: counts, settings",
        "  _fsq_output.json    marks the folder as a tokenize output; --overwrite deletes only these files"})
final class TokenizeCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "URI",
      description = "Folder, file or glob of images, Parquet files or .tar shards (local, hdfs://, s3a://).")
  String input;

  @Option(names = "--format", defaultValue = "auto", paramLabel = "auto|folder|parquet|wds",
      description = "Input format (default: ${DEFAULT-VALUE}, from the files found).")
  String format;

  @Option(names = "--output", required = true, paramLabel = "URI",
      description = "Token table folder to create or resume.")
  String output;

  @Option(names = "--model", defaultValue = "default", paramLabel = "default|DIR",
      description = "Tokenizer: 'default' (bundled, Fashion-MNIST, 28x28 gray, levels 8,5,5,5) or a model folder"
          + " with tokenizer.json (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--keep", split = ",", paramLabel = "COL,...",
      description = "Passthrough columns copied into the token table: Parquet columns, or cls,txt,json of"
          + " WebDataset samples (default: none for Parquet, those present for WebDataset).")
  List<String> keep;

  @Option(names = "--image-column", defaultValue = "image", paramLabel = "NAME",
      description = "Parquet image column: struct<bytes, path> or binary (default: ${DEFAULT-VALUE}).")
  String imageColumn;

  @Option(names = "--id-column", paramLabel = "NAME",
      description = "Parquet column with ids (default: <file name>#<row>).")
  String idColumn;

  @Option(names = "--variants", defaultValue = "none", paramLabel = "none|flip|tencrop[:SCALE]",
      description = "Augmentation variants, one token row each, from one decode of the image: none (one row, no"
          + " variant column); flip (variant original and flip, its horizontal mirror); tencrop[:SCALE] (LlamaGen's"
          + " ten crops: the image brought to round(SCALE x input size), SCALE 1..4, default 1.1, then crops of the"
          + " input size: top-left, top-right, bottom-left, bottom-right, centre, and each mirrored, named"
          + " top-left-flip ... centre-flip). Rows of one image share its id (default: ${DEFAULT-VALUE}).")
  String variants;

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

  @Option(names = "--accept-truncated",
      description = "Tokenize what can be decoded of truncated or damaged image files (a JPEG without its end"
          + " marker, a PNG without IEND or with a bad CRC, a cut GIF, WebP, BMP or TIFF, data a decoder reports"
          + " as corrupt); the missing part is grey for JPEG, black otherwise. Default: each is a decode reject."
          + " The summary and _job.json count the images accepted.")
  boolean acceptTruncated;

  @Option(names = "--files-per-shard", defaultValue = "0", paramLabel = "N",
      description = "Image files per shard for folder input; 0 = automatic: shards of equal estimated work (a"
          + " file's bytes plus 4 KiB), at least 16 MiB of it each (about 4,000 thumbnails or 300 photos), up to"
          + " 32 shards until they reach 256 MiB, chosen from the listing alone (default: ${DEFAULT-VALUE}).")
  int filesPerShard;

  @Option(names = "--decode-threads", defaultValue = "0", paramLabel = "N",
      description = "Decode threads per task, running ahead of the encoder; 0 = automatic: spark.task.cpus on"
          + " a GPU, spark.task.cpus - 1 on the CPU, where a one-core task decodes between batches"
          + " (default: ${DEFAULT-VALUE}).")
  int decodeThreads;

  @Option(names = "--overwrite",
      description = "Start over in an --output that holds an earlier tokenize run: deletes only the files "
          + "tokenize writes there, and refuses a folder that holds anything else.")
  boolean overwrite;

  @Option(names = "--progress-interval", defaultValue = "5", paramLabel = "SECONDS",
      description = "Seconds between progress lines; 0 for none (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() {
    TokenizeConfig config = new TokenizeConfig(input, "auto".equalsIgnoreCase(format) ? null : InputFormat.parse(format),
        output, model, keep, imageColumn, idColumn, batchSize, maxPixels, DeviceRequest.parse(device, allowCpuFallback),
        filesPerShard, decodeThreads, overwrite, progressSeconds, acceptTruncated, Variants.parse(variants));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> settings = sparkOptions.settingsReaching(err, input, output);
    // A missing or empty local input fails here, before Spark starts; the engine loads while Spark starts.
    SparkStart start = new SparkStart("fsq tokenize", settings);
    TokenizePrelude prelude = null;
    SparkSession spark;
    try {
      prelude = TokenizePrelude.start(config, settings, start::begin);
      // In local mode the run is prepared now and its last shards tokenized while Spark finishes starting.
      prelude.beginHeadStart(config, err);
      spark = start.session();
    } catch (RuntimeException | Error e) {
      if (prelude != null) {
        prelude.stopHeadStart();
      }
      start.abandon();
      throw e;
    }
    try {
      TokenizeResult result = new TokenizeJob(spark, config, err, prelude).run();
      // A tar that breaks off or a Parquet file that cannot be read is one reject row marked ID#unreadable: a
      // file, not an image, so it is counted apart.
      long unreadable = result.rejected() == 0 ? 0 : spark.read().parquet(result.output() + "/_rejects")
          .filter(org.apache.spark.sql.functions.col("id").endsWith("#unreadable")).count();
      printSummary(out, config, result, unreadable);
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

  /** What the run did, on standard output. */
  private void printSummary(PrintWriter out, TokenizeConfig config, TokenizeResult result, long unreadable) {
    out.printf(Locale.ROOT, "tokenized %d of %d images (%d rejected) into %s%n", result.tokenized(),
        result.inputs() - unreadable, result.rejected() - unreadable, result.output());
    if (!config.variants().isNone()) {
      out.printf(Locale.ROOT, "%d token rows: %d variants per image (%s)%n", result.tokenized()
          * config.variants().count(), config.variants().count(), String.join(", ", config.variants().names()));
    }
    if (unreadable > 0) {
      out.printf(Locale.ROOT, "%d file(s) could not be read (a tar that breaks off, a Parquet file that is not"
          + " readable or has another image column): the rows with id FILE#unreadable in _rejects say why%n", unreadable);
    }
    out.printf(Locale.ROOT, "%d tokens; %d shards (%d from an earlier run%s); %.1f s; %d task(s) in %d executor"
            + " JVM(s), model loaded %d time(s)%n", result.tokens(), result.shards(), result.shardsSkipped(),
        result.shardsOnDriver() == 0 ? "" : ", " + result.shardsOnDriver() + " on the driver while Spark started",
        result.seconds(), result.tasks(), result.executorJvms(), result.modelLoads());
    if (acceptTruncated) {
      out.printf(Locale.ROOT, "%d truncated or damaged image(s) tokenized from what could be decoded"
          + " (--accept-truncated)%n", result.truncatedAccepted());
    }
    if (result.rejected() > 0) {
      out.printf(Locale.ROOT, "rejects: %s/_rejects (id, source, stage, error)%n", result.output());
    }
  }
}

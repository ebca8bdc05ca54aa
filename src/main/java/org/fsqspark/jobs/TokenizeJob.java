package org.fsqspark.jobs;

import ai.djl.Device;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.Column;
import org.fsqspark.io.InputFormat;
import org.fsqspark.io.InputListing;
import org.fsqspark.io.ModelSource;
import org.fsqspark.io.ModelSources;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.Passthrough;
import org.fsqspark.io.ReadOptions;
import org.fsqspark.io.Shard;
import org.fsqspark.io.ShardPlan;
import org.fsqspark.io.TokenTable;
import org.fsqspark.io.TokenTableRows;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelCheck;
import org.fsqspark.pipeline.TokenizeSettings;
import org.fsqspark.pipeline.TokenizeShardResult;
import org.fsqspark.pipeline.TokenizeWork;
import org.fsqspark.shard.RunSpec;
import org.fsqspark.shard.ShardedOutput;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizePrelude;
import org.fsqspark.pipeline.TokenizeResult;
import org.fsqspark.pipeline.JobSummary;
import org.fsqspark.pipeline.LaunchTime;

/**
 * {@code fsq tokenize}: input shards -> read, decode and preprocess on executors -> encoder through DJL,
 * one model per executor JVM -> FSQ indices -> one committed token file and rejects file per shard.
 *
 * <p>Steps: check everything that can be checked on the driver (model, input, columns, output), plan the
 * shards, skip those an earlier run of the same command committed, tokenize the rest with one Spark task
 * per shard ({@link TokenizeWork} through the {@link ShardRunner}), then write {@code _tokenizer.json} and,
 * last, {@code _job.json}, which marks the table complete.
 */
public final class TokenizeJob {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenizeJob.class);

  /** What tokenize writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("tokenize", "part-*.parquet",
      TokenTable.REJECTS_DIR + "/part-*.parquet", ShardedOutput.TEMPORARY_DIR + "/**", TokenTable.MANIFEST_FILE,
      ShardedOutput.RUN_FILE, TokenTable.JOB_FILE);

  private final SparkSession spark;
  private final TokenizeConfig config;
  private final PrintWriter console;
  private final TokenizePrelude prelude;

  public TokenizeJob(SparkSession spark, TokenizeConfig config, PrintWriter console) {
    this(spark, config, console, null);
  }

  /** A job whose input may have been listed, and model checked, before Spark started ({@link TokenizePrelude}). */
  public TokenizeJob(SparkSession spark, TokenizeConfig config, PrintWriter console, TokenizePrelude prelude) {
    this.spark = spark;
    this.config = config;
    this.console = console;
    this.prelude = prelude;
  }

  public TokenizeResult run() {
    long start = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    OutputFolder folder = OutputFolder.check(hadoop, config.output(), OUTPUT,
        config.overwrite() ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.RESUME,
        new OutputFolder.Input("--input", config.input()),
        new OutputFolder.Input("--model", ModelSources.folder(config.model())));
    Optional<TokenizePrelude.CheckedModel> checked = prelude == null ? Optional.empty() : prelude.checkedModel();
    ModelSource source = checked.isPresent() ? checked.get().source() : ModelSources.open(hadoop, config.model());
    TokenizerManifest manifest = TokenizerManifest.fromJson(source.manifestJson(), source.key());
    // Before anything starts the engine here: in local mode this JVM's engine is the executors' one.
    JvmModelCache.limitEngineThreads(spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
    checkBatchMemory(manifest);
    boolean loadedHere = checked.isPresent() && checked.get().checked() ? checked.get().loadedHere()
        : checkModel(source);
    ShardPlan plan = plan(hadoop);
    List<Column> passthrough = Passthrough.resolve(hadoop, plan, config.keep(), config.imageColumn(), config.idColumn());
    ShardedOutput output = ShardedOutput.prepare(hadoop, folder, runSpec(plan, source, passthrough), "tokenize");
    Set<String> committed = output.committed("", ".parquet");
    List<Shard> todo = plan.shards().stream().filter(s -> !committed.contains(s.name())).toList();
    announce(plan, manifest, todo, output);
    Totals totals = tokenize(output, plan, todo, manifest, source, passthrough);
    output.cleanUp();
    long[] rows = TokenTableRows.count(hadoop, output.path(), plan.shards().stream().map(Shard::name).toList(),
        totals.rowsByShard());
    TokenizeResult result = new TokenizeResult(output.path().toString(), config.images(rows[0]) + rows[1],
        config.images(rows[0]), rows[1],
        rows[0] * manifest.tokensPerImage(), totals.truncatedAccepted(), (System.nanoTime() - start) / 1e9,
        plan.shards().size(), plan.shards().size() - todo.size(), totals.modelLoads() + (loadedHere ? 1 : 0),
        totals.executorJvms(), totals.tasks(), totals.gpus(), totals.firstEncodedAtMillis() < 0 ? Double.NaN
            : (totals.firstEncodedAtMillis() - LaunchTime.millis()) / 1e3);
    output.writeText(TokenTable.MANIFEST_FILE, manifest.toJson() + "\n");
    output.writeText(TokenTable.JOB_FILE, JobSummary.toJson(config, result));
    return result;
  }

  /** The shards, from the listing made before Spark started where there is one. */
  private ShardPlan plan(Configuration hadoop) {
    spark.sparkContext().setJobDescription("fsq tokenize: plan " + config.input());
    long listing = System.nanoTime();
    InputListing.Result listed = prelude != null && prelude.listing().isPresent() ? prelude.listing().get()
        : InputListing.list(hadoop, config.input(), config.format());
    ShardPlan plan = ShardPlan.of(listed, config.filesPerShard());
    LOG.info("Listed and planned {} files in {} ms", plan.fileCount(), (System.nanoTime() - listing) / 1_000_000);
    return plan;
  }

  /** What a re-run must match to resume: the input listing, the shard layout, the model and the columns. */
  private RunSpec runSpec(ShardPlan plan, ModelSource source, List<Column> passthrough) {
    return config.recordVariants(new RunSpec().with("input", config.input()).with("format", plan.listing().format().cliName())
        .with("listing_sha256", plan.digest()).with("shards", plan.shards().size())
        .with("files_per_shard", plan.filesPerShard()).with("max_shard_bytes", plan.maxShardBytes())
        .with("model", source.key()).with("image_column", config.imageColumn()).with("id_column", config.idColumn())
        .with("passthrough", String.join(",", passthrough.stream().map(Column::name).toList())));
  }

  private void announce(ShardPlan plan, TokenizerManifest manifest, List<Shard> todo, ShardedOutput output) {
    console.printf(Locale.ROOT, "tokenize: %d %s in %d shard(s) under %s; model %s (levels %s, |C| = %d, %dx%d tokens"
            + " per image)%n", plan.fileCount(), describe(plan.listing().format()), plan.shards().size(), config.input(),
        manifest.name(), manifest.levels(), manifest.levels().codebookSize(), manifest.gridHeight(),
        manifest.gridWidth());
    if (todo.size() < plan.shards().size()) {
      console.printf(Locale.ROOT, "tokenize: resuming %s: %d of %d shards already committed, %d to go%n",
          output.path(), plan.shards().size() - todo.size(), plan.shards().size(), todo.size());
    }
    console.flush();
  }

  /**
   * A task holds the batch and its NCHW copy for the encoder, and with decode threads the window they fill
   * ahead of it (2 batches, at least 8 images).
   */
  private void checkBatchMemory(TokenizerManifest manifest) {
    SparkConf conf = spark.sparkContext().getConf();
    DeviceRequest device = config.device();
    boolean gpuTasks = spark.sparkContext().isLocal() ? device.resolve(null).isGpu() : "gpu".equals(device.kind())
        || ("auto".equals(device.kind()) && conf.getDouble("spark.task.resource.gpu.amount", 0) > 0);
    int decodeThreads = TokenizeWork.decodeThreads(config.decodeThreads(), conf.getInt("spark.task.cpus", 1), gpuTasks);
    BatchMemory.check(spark.sparkContext(), manifest, config.batchSize(), config.heldInputs(decodeThreads), decodeThreads > 0
            ? "2 batches decoded ahead, the batch and its copy for the encoder" : "the batch and its copy for the encoder");
  }

  /**
   * Encodes a synthetic batch with the model on the driver, so a broken model fails now with one line naming
   * it. In local mode the executors are this JVM and reuse the model loaded here; true if it was loaded now.
   */
  private boolean checkModel(ModelSource source) {
    boolean local = spark.sparkContext().isLocal();
    // In local mode a GPU that cannot be used is known here, before any work starts.
    Device device = local ? config.device().resolve(null) : Device.cpu();
    boolean[] loaded = {false};
    long start = System.nanoTime();
    ModelCheck.encoder(source, device, ModelSources.describe(config.model()), local, () -> loaded[0] = true);
    LOG.info("Checked model {} on the driver in {} ms ({})", source.key(), (System.nanoTime() - start) / 1_000_000,
        loaded[0] ? "loaded for the executors of this JVM" : local ? "already loaded" : "loaded and closed");
    return loaded[0];
  }

  /** What the Spark part of a run reports; rows of the shards this run committed, by shard name. */
  private record Totals(long modelLoads, int executorJvms, long tasks, List<String> gpus,
      Map<String, long[]> rowsByShard, long truncatedAccepted, long firstEncodedAtMillis) {}

  private Totals tokenize(ShardedOutput output, ShardPlan plan, List<Shard> todo, TokenizerManifest manifest,
      ModelSource source, List<Column> passthrough) {
    TokenizeSettings settings = new TokenizeSettings(plan.listing().root(), output.path().toString(),
        config.batchSize(), config.maxPixels(), config.acceptTruncated(), config.decodeThreads(), config.device(),
        new ReadOptions(config.imageColumn(), config.idColumn(), passthrough, ReadOptions.DEFAULT_MAX_IMAGE_BYTES),
        TokenTable.footer(manifest, passthrough, config.variants()), config.variants());
    long expected = plan.listing().format() == InputFormat.FOLDER
        ? todo.stream().mapToLong(s -> s.files().size()).sum() : -1;
    try (ShardRunner runner = new ShardRunner(spark, TokenizeWork.IMAGES, TokenizeWork.REJECTS,
        TokenizeWork.MODEL_LOADS)) {
      ShardRunner.Outcome<TokenizeShardResult> outcome = runner.run("fsq tokenize: " + todo.size() + " shards of "
              + config.input(), todo, new TokenizeWork(runner.ship(source), manifest, settings),
          new ShardRunner.Progress("tokenize", TokenizeWork.IMAGES, TokenizeWork.REJECTS, expected,
              config.progressSeconds(), console));
      Map<String, long[]> rows = new HashMap<>();
      long truncatedAccepted = 0;
      long firstEncoded = -1;
      for (TokenizeShardResult result : outcome.results()) {
        if (result.committed()) {
          rows.put(result.shard(), new long[] {result.tokenized(), result.rejected()});
          truncatedAccepted += result.truncatedAccepted();
        }
        if (result.firstEncodedAtMillis() >= 0 && (firstEncoded < 0 || result.firstEncodedAtMillis() < firstEncoded)) {
          firstEncoded = result.firstEncodedAtMillis();
        }
      }
      return new Totals(runner.count(TokenizeWork.MODEL_LOADS), outcome.executorJvms(), outcome.tasks(),
          outcome.gpus(), rows, truncatedAccepted, firstEncoded);
    }
  }

  private static String describe(InputFormat format) {
    return switch (format) {
      case FOLDER -> "image files";
      case PARQUET -> "Parquet files";
      case WDS -> "WebDataset tars";
    };
  }
}

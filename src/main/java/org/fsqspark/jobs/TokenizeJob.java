package org.fsqspark.jobs;

import ai.djl.Device;
import java.io.PrintWriter;
import java.util.List;
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
import org.fsqspark.io.Shard;
import org.fsqspark.io.ShardPlan;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelCheck;
import org.fsqspark.pipeline.TokenizeSettings;
import org.fsqspark.pipeline.TokenizeShardResult;
import org.fsqspark.pipeline.TokenizeWork;
import org.fsqspark.shard.ShardedOutput;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeOutput;
import org.fsqspark.pipeline.TokenizePrelude;
import org.fsqspark.pipeline.TokenizeResult;

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
    ShardedOutput output = ShardedOutput.prepare(hadoop, folder,
        TokenizeOutput.spec(config, plan, source, passthrough), "tokenize");
    Set<String> committed = output.committed("", ".parquet");
    List<Shard> todo = plan.shards().stream().filter(s -> !committed.contains(s.name())).toList();
    TokenizeOutput.announce(console, config, plan, manifest, todo, output);
    TokenizeOutput.Totals totals = tokenize(output, plan, todo, manifest, source, passthrough);
    output.cleanUp();
    return TokenizeOutput.finish(hadoop, output, config, plan, manifest, plan.shards().size() - todo.size(), totals,
        loadedHere, start);
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
    BatchMemory.check(spark.sparkContext(), manifest, config.batchSize(), config.heldInputs(decodeThreads),
        decodeThreads > 0 ? "2 batches decoded ahead, the batch and its copy for the encoder" : "the batch and its copy for the encoder");
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

  private TokenizeOutput.Totals tokenize(ShardedOutput output, ShardPlan plan, List<Shard> todo,
      TokenizerManifest manifest, ModelSource source, List<Column> passthrough) {
    TokenizeSettings settings = TokenizeOutput.settings(config, plan, output, manifest, passthrough);
    long expected = plan.listing().format() == InputFormat.FOLDER
        ? todo.stream().mapToLong(s -> s.files().size()).sum() : -1;
    try (ShardRunner runner = new ShardRunner(spark, TokenizeWork.IMAGES, TokenizeWork.REJECTS,
        TokenizeWork.MODEL_LOADS)) {
      ShardRunner.Outcome<TokenizeShardResult> outcome = runner.run("fsq tokenize: " + todo.size() + " shards of "
              + config.input(), todo, new TokenizeWork(runner.ship(source), manifest, settings),
          new ShardRunner.Progress("tokenize", TokenizeWork.IMAGES, TokenizeWork.REJECTS, expected,
              config.progressSeconds(), console));
      return TokenizeOutput.Totals.of(outcome.results(), runner.count(TokenizeWork.MODEL_LOADS),
          outcome.executorJvms(), outcome.tasks(), outcome.gpus());
    }
  }
}

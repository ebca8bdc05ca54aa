package org.fsqspark.jobs;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.fsqspark.io.Column;
import org.fsqspark.io.HadoopConfiguration;
import org.fsqspark.io.InputFormat;
import org.fsqspark.io.InputListing;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.Passthrough;
import org.fsqspark.io.ReadOptions;
import org.fsqspark.io.Shard;
import org.fsqspark.io.ShardOutput;
import org.fsqspark.io.ShardPlan;
import org.fsqspark.io.SharedModelFolder;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelCheck;
import org.fsqspark.model.ModelFolder;
import org.fsqspark.model.ModelPackage;
import org.fsqspark.model.ModelSource;
import org.fsqspark.model.TokenizerManifest;

/**
 * {@code fsq tokenize}: input shards -> read, decode and preprocess on executors -> encoder through DJL,
 * one model per executor JVM -> FSQ indices -> one committed token file and rejects file per shard.
 *
 * <p>Steps: check everything that can be checked on the driver (model, input, columns, output), plan the
 * shards, skip those an earlier run of the same command committed, tokenize the rest with one Spark task
 * per shard, then write {@code _tokenizer.json} and, last, {@code _job.json}, which marks the table complete.
 */
public final class TokenizeJob {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenizeJob.class);

  private final SparkSession spark;
  private final TokenizeConfig config;
  private final PrintWriter console;

  public TokenizeJob(SparkSession spark, TokenizeConfig config, PrintWriter console) {
    this.spark = spark;
    this.config = config;
    this.console = console;
  }

  /** What tokenize writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("tokenize", "part-*.parquet",
      TokenTable.REJECTS_DIR + "/part-*.parquet", TokenTable.TEMPORARY_DIR + "/**", TokenTable.MANIFEST_FILE,
      TokenTable.RUN_FILE, TokenTable.JOB_FILE);

  public TokenizeResult run() {
    long start = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    OutputFolder folder = OutputFolder.check(hadoop, config.output(), OUTPUT,
        config.overwrite() ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.RESUME,
        new OutputFolder.Input("--input", config.input()),
        new OutputFolder.Input("--model", "default".equals(config.model()) ? null : config.model()));
    ModelSource modelPackage = loadModel(hadoop);
    TokenizerManifest manifest = TokenizerManifest.fromJson(modelPackage.manifestJson(), modelPackage.key());
    // Before anything starts the engine here: in local mode this JVM's engine is the executors' one.
    JvmModelCache.limitEngineThreads(spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
    checkBatchMemory(manifest);
    boolean loadedHere = checkModel(modelPackage);
    spark.sparkContext().setJobDescription("fsq tokenize: plan " + config.input());
    long listing = System.nanoTime();
    ShardPlan plan = ShardPlan.of(InputListing.list(hadoop, config.input(), config.format()), config.filesPerShard());
    LOG.info("Listed {} files in {} ms", plan.fileCount(), (System.nanoTime() - listing) / 1_000_000);
    List<Column> passthrough = Passthrough.resolve(hadoop, plan, config.keep(), config.imageColumn(), config.idColumn());
    RunSpec run = RunSpec.of(config.input(), plan.listing().format().cliName(), plan.digest(), plan.shards().size(),
        plan.filesPerShard(), plan.maxShardBytes(), modelPackage.key(), config.imageColumn(), config.idColumn(),
        passthrough.stream().map(Column::name).toList());
    org.apache.hadoop.fs.Path output = folder.path();
    prepareOutput(hadoop, folder, run);

    Set<String> committed = committedShards(hadoop, output);
    List<Shard> todo = plan.shards().stream().filter(s -> !committed.contains(s.name())).toList();
    console.printf(Locale.ROOT, "tokenize: %d %s in %d shard(s) under %s; model %s (levels %s, |C| = %d, %dx%d tokens"
            + " per image)%n", plan.fileCount(), describe(plan.listing().format()), plan.shards().size(), config.input(),
        manifest.name(), manifest.levels(), manifest.levels().codebookSize(), manifest.gridHeight(),
        manifest.gridWidth());
    if (!committed.isEmpty()) {
      console.printf(Locale.ROOT, "tokenize: resuming %s: %d of %d shards already committed, %d to go%n", output,
          plan.shards().size() - todo.size(), plan.shards().size(), todo.size());
    }
    console.flush();

    long tokenizing = System.nanoTime();
    RunTotals work = todo.isEmpty() ? RunTotals.NONE : tokenize(hadoop, output, plan, todo, manifest,
        modelPackage, passthrough);
    long modelLoads = work.modelLoads() + (loadedHere ? 1 : 0);
    LOG.info("Tokenized {} shards in {} ms", todo.size(), (System.nanoTime() - tokenizing) / 1_000_000);
    long counting = System.nanoTime();
    deleteQuietly(hadoop, new org.apache.hadoop.fs.Path(output, TokenTable.TEMPORARY_DIR));
    long[] counts = countRows(hadoop, output, plan, work.rowsByShard());
    LOG.info("Counted rows of {} shards in {} ms", plan.shards().size(), (System.nanoTime() - counting) / 1_000_000);
    TokenizeResult result = new TokenizeResult(output.toString(), counts[0] + counts[1], counts[0], counts[1],
        counts[0] * manifest.tokensPerImage(), work.truncatedAccepted(), (System.nanoTime() - start) / 1e9,
        plan.shards().size(), plan.shards().size() - todo.size(), modelLoads, work.executorJvms(), work.tasks(),
        work.gpus(),
        work.firstEncodedAtMillis() < 0 ? Double.NaN : (work.firstEncodedAtMillis() - LaunchTime.millis()) / 1e3);
    TokenTable.writeText(hadoop, new org.apache.hadoop.fs.Path(output, TokenTable.MANIFEST_FILE), manifest.toJson() + "\n");
    TokenTable.writeText(hadoop, new org.apache.hadoop.fs.Path(output, TokenTable.JOB_FILE), JobSummary.toJson(config, result));
    return result;
  }

  /**
   * A task holds the batch and its NCHW copy for the encoder, and with decode threads the window they fill
   * ahead of it (2 batches, at least 8 images).
   */
  private void checkBatchMemory(TokenizerManifest manifest) {
    org.apache.spark.SparkConf conf = spark.sparkContext().getConf();
    DeviceRequest device = config.device();
    boolean gpuTasks = spark.sparkContext().isLocal() ? device.resolve(null).isGpu() : "gpu".equals(device.kind())
        || ("auto".equals(device.kind()) && conf.getDouble("spark.task.resource.gpu.amount", 0) > 0);
    int decodeThreads = TokenizeShards.decodeThreads(config.decodeThreads(), conf.getInt("spark.task.cpus", 1),
        gpuTasks);
    BatchMemory.check(spark.sparkContext(), manifest, config.batchSize(),
        batch -> (decodeThreads > 0 ? Math.max(2 * batch, 8) : 0) + 2 * batch, decodeThreads > 0
            ? "2 batches decoded ahead, the batch and its copy for the encoder" : "the batch and its copy for the encoder");
  }

  /**
   * Encodes a synthetic batch with the model on the driver, so a broken model fails now with one line naming
   * it. In local mode the executors are this JVM and reuse the model loaded here; true if it was loaded now.
   */
  private boolean checkModel(ModelSource modelPackage) {
    boolean local = spark.sparkContext().isLocal();
    // In local mode a GPU that cannot be used is known here, before any work starts.
    Device device = local ? config.device().resolve(null) : Device.cpu();
    boolean[] loaded = {false};
    long start = System.nanoTime();
    ModelCheck.encoder(modelPackage, device, modelLocation(config.model()), local, () -> loaded[0] = true);
    LOG.info("Checked model {} on the driver in {} ms ({})", modelPackage.key(),
        (System.nanoTime() - start) / 1_000_000,
        loaded[0] ? "loaded for the executors of this JVM" : local ? "already loaded" : "loaded and closed");
    return loaded[0];
  }

  /** How a user named the model, for messages. */
  static String modelLocation(String model) {
    return "default".equals(model) ? "default (bundled)" : model;
  }

  /** What the Spark part of a run reports. */
  private record RunTotals(long modelLoads, int executorJvms, long tasks, List<String> gpus,
      java.util.Map<String, long[]> rowsByShard, long truncatedAccepted, long firstEncodedAtMillis) {
    static final RunTotals NONE = new RunTotals(0, 0, 0, List.of(), java.util.Map.of(), 0, -1);
  }

  private RunTotals tokenize(Configuration hadoop, org.apache.hadoop.fs.Path output, ShardPlan plan, List<Shard> todo,
      TokenizerManifest manifest, ModelSource modelPackage, List<Column> passthrough) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<ModelSource> shipped = jsc.broadcast(modelPackage);
    CollectionAccumulator<String> jvms = spark.sparkContext().collectionAccumulator("fsq.jvms");
    CollectionAccumulator<String> gpus = spark.sparkContext().collectionAccumulator("fsq.gpus");
    TokenizeShards.Counters counters = new TokenizeShards.Counters(
        spark.sparkContext().longAccumulator("fsq.images"), spark.sparkContext().longAccumulator("fsq.rejects"),
        spark.sparkContext().longAccumulator("fsq.modelLoads"), jvms, gpus);
    TokenizeShards.Settings settings = new TokenizeShards.Settings(plan.listing().root(), output.toString(),
        config.batchSize(), config.maxPixels(), config.acceptTruncated(), config.decodeThreads(), config.device(),
        new ReadOptions(config.imageColumn(), config.idColumn(), passthrough, ReadOptions.DEFAULT_MAX_IMAGE_BYTES),
        TokenTable.footer(manifest, passthrough));
    // A broadcast, not a closure field: executors deserialize the configuration once, not once per task.
    Broadcast<HadoopConfiguration> hadoopConf = jsc.broadcast(new HadoopConfiguration(hadoop));
    TokenizeShards function = new TokenizeShards(shipped, hadoopConf, manifest, settings, counters);
    long expected = plan.listing().format() == InputFormat.FOLDER
        ? todo.stream().mapToLong(s -> s.files().size()).sum() : -1;
    spark.sparkContext().setJobDescription("fsq tokenize: " + todo.size() + " shards of " + config.input());
    try (JobProgress progress = JobProgress.start(spark, "tokenize", expected, todo.size(), counters.images(),
        counters.rejects(), config.progressSeconds(), console)) {
      List<ShardResult> results = jsc.parallelize(todo, todo.size()).mapPartitions(function).collect();
      progress.finish(results.stream().mapToLong(ShardResult::tokenized).sum(),
          results.stream().mapToLong(ShardResult::rejected).sum());
      java.util.Map<String, long[]> rows = new java.util.HashMap<>();
      long truncatedAccepted = 0;
      for (ShardResult result : results) {
        if (result.committed()) {
          rows.put(result.name(), new long[] {result.tokenized(), result.rejected()});
          truncatedAccepted += result.truncatedAccepted();
        }
      }
      long firstEncoded = results.stream().mapToLong(ShardResult::firstEncodedAtMillis).filter(t -> t >= 0).min()
          .orElse(-1);
      return new RunTotals(counters.modelLoads().value(), new HashSet<>(jvms.value()).size(), jvms.value().size(),
          new ArrayList<>(new java.util.TreeSet<>(gpus.value())), rows, truncatedAccepted, firstEncoded);
    } finally {
      shipped.destroy();
      hadoopConf.destroy();
    }
  }

  /**
   * Creates the output (or, with --overwrite, empties it of an earlier tokenize run's files), or checks that
   * the run it holds was started by this same command, which then resumes it.
   */
  private void prepareOutput(Configuration hadoop, OutputFolder folder, RunSpec run) {
    org.apache.hadoop.fs.Path runFile = new org.apache.hadoop.fs.Path(folder.path(), TokenTable.RUN_FILE);
    try {
      FileSystem fs = runFile.getFileSystem(hadoop);
      if (folder.holdsEarlierRun() && fs.exists(runFile)) {
        List<String> differences = run.differencesFrom(RunSpec.fromJson(readText(fs, runFile)));
        if (!differences.isEmpty()) {
          throw new IllegalArgumentException("Output " + config.output() + " holds a tokenize run of other inputs or "
              + "settings (" + String.join("; ", differences) + "); pass --overwrite to replace it or choose another --output");
        }
        return;
      }
      folder.prepare();
      TokenTable.writeText(hadoop, runFile, run.toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare output " + folder.path(), e);
    }
  }

  private static Set<String> committedShards(Configuration hadoop, org.apache.hadoop.fs.Path output) {
    Set<String> names = new HashSet<>();
    try {
      for (FileStatus file : output.getFileSystem(hadoop).listStatus(output)) {
        String name = file.getPath().getName();
        if (file.isFile() && name.startsWith("part-") && name.endsWith(".parquet")) {
          names.add(name.substring(0, name.length() - ".parquet".length()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + output, e);
    }
    return names;
  }

  /**
   * Rows of every committed shard: from this run's task results, and from the Parquet footers for shards
   * that an earlier run (or another attempt) committed.
   */
  private static long[] countRows(Configuration hadoop, org.apache.hadoop.fs.Path output, ShardPlan plan,
      java.util.Map<String, long[]> known) {
    long tokens = 0;
    long rejects = 0;
    try {
      FileSystem fs = output.getFileSystem(hadoop);
      for (Shard shard : plan.shards()) {
        long[] rows = known.get(shard.name());
        if (rows != null) {
          tokens += rows[0];
          rejects += rows[1];
          continue;
        }
        org.apache.hadoop.fs.Path tokenFile = ShardOutput.committedTokens(output, shard);
        if (!fs.exists(tokenFile)) {
          throw new IllegalStateException("Shard " + shard.name() + " was not committed; run the same command again"
              + " to finish it");
        }
        tokens += TokenTable.rowCount(hadoop, tokenFile);
        org.apache.hadoop.fs.Path rejectFile = ShardOutput.committedRejects(output, shard);
        if (fs.exists(rejectFile)) {
          rejects += TokenTable.rowCount(hadoop, rejectFile);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot count the rows of " + output, e);
    }
    return new long[] {tokens, rejects};
  }

  /** The bundled default, a local folder (shipped in a broadcast), or a folder on shared storage. */
  private ModelSource loadModel(Configuration hadoop) {
    if ("default".equals(config.model())) {
      return ModelPackage.bundledDefault();
    }
    if (SharedModelFolder.isShared(config.model())) {
      return SharedModelFolder.open(hadoop, config.model());
    }
    String local = config.model().startsWith("file:") ? java.net.URI.create(config.model()).getPath() : config.model();
    return ModelPackage.of(ModelFolder.open(Path.of(local)));
  }

  private static String describe(InputFormat format) {
    return switch (format) {
      case FOLDER -> "image files";
      case PARQUET -> "Parquet files";
      case WDS -> "WebDataset tars";
    };
  }

  private static String readText(FileSystem fs, org.apache.hadoop.fs.Path file) throws IOException {
    try (FSDataInputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void deleteQuietly(Configuration hadoop, org.apache.hadoop.fs.Path path) {
    try {
      path.getFileSystem(hadoop).delete(path, true);
    } catch (IOException e) {
      // _temporary is skipped by every reader; a leftover wastes space, nothing more.
    }
  }
}

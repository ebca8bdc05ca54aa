package org.fsqspark.pipeline;

import ai.djl.Device;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.Column;
import org.fsqspark.io.InputListing;
import org.fsqspark.io.ModelSource;
import org.fsqspark.io.ModelSources;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.Passthrough;
import org.fsqspark.io.Shard;
import org.fsqspark.io.ShardPlan;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelCheck;
import org.fsqspark.shard.ShardedOutput;

/**
 * A tokenize run made ready on the driver, without Spark: the output checked (and, with {@code --overwrite},
 * cleared of an earlier run), the model checked, one task's pixel buffers checked against the executor's heap, the
 * shards planned, the run recorded in the output, and the shards an earlier run committed set aside. The job
 * prepares it from its session's settings; in local mode the command prepares it before Spark is up, so the
 * head start ({@link HeadStart}) works on the same shards the job's tasks will.
 *
 * @param skipped shards an earlier run had committed
 * @param loadedHere whether checking the model loaded it into this JVM's cache for the executors here
 */
public record TokenizeRun(TokenizeConfig config, ShardedOutput output, ShardPlan plan, ModelSource source,
    TokenizerManifest manifest, List<Column> passthrough, List<Shard> todo, int skipped, boolean loadedHere,
    TokenizeSettings settings) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenizeRun.class);

  /** What tokenize writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("tokenize", "part-*.parquet",
      TokenTable.REJECTS_DIR + "/part-*.parquet", ShardedOutput.TEMPORARY_DIR + "/**", TokenTable.MANIFEST_FILE,
      ShardedOutput.RUN_FILE, TokenTable.JOB_FILE);

  public TokenizeRun {
    passthrough = List.copyOf(passthrough);
    todo = List.copyOf(todo);
  }

  /**
   * Where the run's tasks work, from Spark's settings.
   *
   * @param executor one executor's heap and concurrent tasks
   * @param taskCpus cores per task ({@code spark.task.cpus})
   * @param inThisJvm whether the executors are this JVM (master {@code local[...]})
   * @param gpuTasks whether the tasks encode on GPUs
   */
  public record Tasks(TaskMemory.Executor executor, int taskCpus, boolean inThisJvm, boolean gpuTasks) {}

  /**
   * Checks and prepares the run, in the order a user's mistakes are best reported: the output, the model, the
   * memory, the input.
   *
   * @param listing the input's listing when the command made it before Spark started
   * @param checked the model as the command checked it before Spark started
   */
  public static TokenizeRun prepare(Configuration hadoop, TokenizeConfig config, Tasks tasks,
      Optional<InputListing.Result> listing, Optional<TokenizePrelude.CheckedModel> checked) {
    OutputFolder folder = OutputFolder.check(hadoop, config.output(), OUTPUT,
        config.overwrite() ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.RESUME,
        new OutputFolder.Input("--input", config.input()),
        new OutputFolder.Input("--model", ModelSources.folder(config.model())));
    ModelSource source = checked.isPresent() ? checked.get().source() : ModelSources.open(hadoop, config.model());
    TokenizerManifest manifest = TokenizerManifest.fromJson(source.manifestJson(), source.key());
    // Before anything starts the engine here: in local mode this JVM's engine is the executors' one.
    JvmModelCache.limitEngineThreads(tasks.taskCpus());
    int decodeThreads = TokenizeWork.decodeThreads(config.decodeThreads(), tasks.taskCpus(), tasks.gpuTasks());
    TaskMemory.check(tasks.executor(), manifest, config.batchSize(), config.heldInputs(decodeThreads),
        decodeThreads > 0 ? "2 batches decoded ahead, the batch and its copy for the encoder"
            : "the batch and its copy for the encoder");
    boolean loadedHere = checked.isPresent() && checked.get().checked() ? checked.get().loadedHere()
        : checkModel(config, source, tasks.inThisJvm());
    long listingStart = System.nanoTime();
    InputListing.Result listed = listing.isPresent() ? listing.get()
        : InputListing.list(hadoop, config.input(), config.format());
    ShardPlan plan = ShardPlan.of(listed, config.filesPerShard());
    LOG.info("Listed and planned {} files in {} ms", plan.fileCount(), (System.nanoTime() - listingStart) / 1_000_000);
    List<Column> passthrough = Passthrough.resolve(hadoop, plan, config.keep(), config.imageColumn(), config.idColumn());
    ShardedOutput output = ShardedOutput.prepare(hadoop, folder, TokenizeOutput.spec(config, plan, source, passthrough),
        "tokenize");
    Set<String> committed = output.committed("", ".parquet");
    List<Shard> todo = plan.shards().stream().filter(s -> !committed.contains(s.name())).toList();
    TokenizeSettings settings = TokenizeOutput.settings(config, plan, output, manifest, passthrough);
    return new TokenizeRun(config, output, plan, source, manifest, passthrough, todo, plan.shards().size() - todo.size(),
        loadedHere, settings);
  }

  /**
   * Encodes a synthetic batch with the model on the driver, so a broken model fails now with one line naming
   * it. When the executors are this JVM they reuse the model loaded here; true if it was loaded now.
   */
  private static boolean checkModel(TokenizeConfig config, ModelSource source, boolean inThisJvm) {
    // In local mode a GPU that cannot be used is known here, before any work starts.
    Device device = inThisJvm ? config.device().resolve(null) : Device.cpu();
    boolean[] loaded = {false};
    long start = System.nanoTime();
    ModelCheck.encoder(source, device, ModelSources.describe(config.model()), inThisJvm, () -> loaded[0] = true);
    LOG.info("Checked model {} on the driver in {} ms ({})", source.key(), (System.nanoTime() - start) / 1_000_000,
        loaded[0] ? "loaded for the executors of this JVM" : inThisJvm ? "already loaded" : "loaded and closed");
    return loaded[0];
  }

  /** Images to tokenize in this run when the input is a folder; -1 when not known before reading. */
  public long expectedImages() {
    return plan.listing().format() == org.fsqspark.io.InputFormat.FOLDER
        ? todo.stream().mapToLong(s -> s.files().size()).sum() : -1;
  }
}

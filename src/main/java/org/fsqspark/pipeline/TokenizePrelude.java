package org.fsqspark.pipeline;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.image.NativeJpeg;
import org.fsqspark.io.InputListing;
import org.fsqspark.io.SharedModelFolder;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelCheck;
import org.fsqspark.io.ModelSource;
import org.fsqspark.io.ModelSources;
import org.fsqspark.contract.TokenizerManifest;

/**
 * What a tokenize command does before its SparkSession exists, so that a bad input costs no Spark start and a
 * good one overlaps the slow starts: a local input is listed first (a missing folder or one without images
 * fails in well under a second, with Spark never started), and when the executors are this JVM (master
 * {@code local[...]}), the native JPEG decoder loads and the driver's model check (engine start, model load, a
 * test encode) runs on background threads while Spark starts. The listing depends on the input only, so a run that lists here plans the same shards.
 */
public final class TokenizePrelude {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenizePrelude.class);

  private final InputListing.Result listing;
  /** The driver's model check running while Spark starts, or null when the job does it itself. */
  private final CompletableFuture<CheckedModel> model;
  /** Spark's master URL and cores per task, as the session will have them. */
  private final String master;
  private final int taskCpus;
  private final Configuration hadoop;
  private HeadStart headStart;

  /**
   * The model package, whether it was checked here (models whose test images alone would take more than
   * {@link #LARGEST_CHECK_BYTES} are left to the job, after its memory check) and whether checking it loaded
   * it into this JVM's cache for the executors here.
   */
  public record CheckedModel(ModelSource source, boolean checked, boolean loadedHere) {}

  /** Pixel bytes of the check's two test images above which the job checks the model itself, in its order. */
  static final long LARGEST_CHECK_BYTES = 64L << 20;

  private TokenizePrelude(InputListing.Result listing, CompletableFuture<CheckedModel> model, String master,
      int taskCpus, Configuration hadoop) {
    this.listing = listing;
    this.model = model;
    this.master = master;
    this.taskCpus = taskCpus;
    this.hadoop = hadoop;
  }

  /** Lists a local input and starts the warm-ups; {@code sparkSettings} are the settings the session will get. */
  public static TokenizePrelude start(TokenizeConfig config, Map<String, String> sparkSettings) {
    return start(config, sparkSettings, () -> { });
  }

  /**
   * As {@link #start(TokenizeConfig, Map)}, calling {@code inputFound} as soon as the input is known to hold
   * something to read: at once for an input Spark lists, after a walk that stops at the first matching file for a
   * local folder, and after the whole listing otherwise. The command starts Spark there, so Spark's start overlaps
   * the listing of a large folder while an input without images still fails before Spark starts.
   */
  public static TokenizePrelude start(TokenizeConfig config, Map<String, String> sparkSettings, Runnable inputFound) {
    String master = sparkSettings.getOrDefault("spark.master", System.getProperty("spark.master", "local[*]"));
    CompletableFuture<CheckedModel> model = null;
    int taskCpus = Integer.parseInt(sparkSettings.getOrDefault("spark.task.cpus",
        System.getProperty("spark.task.cpus", "1")).trim());
    if (executorsHere(master)) {
      NativeJpeg.preload();
      model = checkModelWhileSparkStarts(config, taskCpus);
    }
    Configuration hadoop = new Configuration();
    sparkSettings.forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.")) {
        hadoop.set(key.substring("spark.hadoop.".length()), value);
      }
    });
    if (!isLocal(hadoop, config.input())) {
      inputFound.run();
      return new TokenizePrelude(null, model, master, taskCpus, hadoop);
    }
    long start = System.nanoTime();
    if (InputListing.holdsAny(config.input(), config.format())) {
      inputFound.run();
    }
    InputListing.Result listing = InputListing.list(hadoop, config.input(), config.format());
    inputFound.run();
    LOG.info("Listed {} files before starting Spark in {} ms", listing.files().size(),
        (System.nanoTime() - start) / 1_000_000);
    return new TokenizePrelude(listing, model, master, taskCpus, hadoop);
  }

  private static boolean executorsHere(String master) {
    return master.startsWith("local") && !master.startsWith("local-cluster");
  }

  /**
   * Prepares the run and starts tokenizing its last shards on a driver thread ({@link HeadStart}) while Spark
   * starts, when everything the run needs is here: the executors are this JVM, the input was listed and the model
   * checked and loaded here, and the output is on this machine. Reports the run's start on {@code console} when it
   * begins. Mistakes in the output, model or memory settings are thrown here, before Spark is up. The system
   * property {@code fsq.headStart=false} turns it off.
   */
  public Optional<HeadStart> beginHeadStart(TokenizeConfig config, PrintWriter console) {
    if (headStart != null) {
      return Optional.of(headStart);
    }
    if (listing == null || model == null || !isLocal(hadoop, config.output())
        || "false".equalsIgnoreCase(System.getProperty("fsq.headStart", "true"))) {
      return Optional.empty();
    }
    Optional<CheckedModel> checked = checkedModel();
    if (checked.isEmpty() || !checked.get().checked()) {
      return Optional.empty();
    }
    TaskMemory.Executor executor = TaskMemory.executor(master, taskCpus, () -> 0, () -> 1);
    TokenizeRun.Tasks tasks = new TokenizeRun.Tasks(executor, taskCpus, true, config.device().resolve(null).isGpu());
    TokenizeRun run = TokenizeRun.prepare(hadoop, config, tasks, Optional.of(listing), checked);
    TokenizeOutput.announce(console, config, run.plan(), run.manifest(), run.todo(), run.output());
    headStart = HeadStart.begin(run, hadoop);
    return Optional.of(headStart);
  }

  /** The head start when {@link #beginHeadStart} began one. */
  public Optional<HeadStart> headStart() {
    return Optional.ofNullable(headStart);
  }

  /** Stops the head start, for a command that fails before its job runs. */
  public void stopHeadStart() {
    if (headStart != null) {
      headStart.close();
    }
  }

  /**
   * The model the job would check on the driver, checked here on a background thread when the executors are
   * this JVM and the model is bundled or in a local folder: the engine, the model load and its test encode
   * overlap Spark's start. A failure is reported by the job, where it would have happened.
   */
  private static CompletableFuture<CheckedModel> checkModelWhileSparkStarts(TokenizeConfig config, int taskCpus) {
    if (!"default".equals(config.model()) && SharedModelFolder.isShared(config.model())) {
      return null;
    }
    CompletableFuture<CheckedModel> checked = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        // Before anything starts the engine: this JVM's engine is the executors' one.
        JvmModelCache.limitEngineThreads(taskCpus);
        ModelSource source = ModelSources.open(new Configuration(), config.model());
        TokenizerManifest manifest = TokenizerManifest.fromJson(source.manifestJson(), source.key());
        if (2L * 4 * manifest.channels() * manifest.inputHeight() * manifest.inputWidth() > LARGEST_CHECK_BYTES) {
          checked.complete(new CheckedModel(source, false, false));
          return;
        }
        boolean[] loaded = {false};
        long start = System.nanoTime();
        ModelCheck.encoder(source, config.device().resolve(null), ModelSources.describe(config.model()), true,
            () -> loaded[0] = true);
        LOG.info("Checked model {} while Spark started, in {} ms", source.key(), (System.nanoTime() - start) / 1_000_000);
        checked.complete(new CheckedModel(source, true, loaded[0]));
      } catch (RuntimeException | Error e) {
        checked.completeExceptionally(e);
      }
    }, "fsq-model-check");
    thread.setDaemon(true);
    thread.start();
    return checked;
  }

  /** The checked model when the prelude checked it; waits for the check, and throws what it threw. */
  public Optional<CheckedModel> checkedModel() {
    if (model == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(model.join());
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** The input's listing when it was made before Spark started. */
  public Optional<InputListing.Result> listing() {
    return Optional.ofNullable(listing);
  }

  /** Whether {@code input} is on this machine's file system, which needs no Spark settings to list. */
  public static boolean isLocal(Configuration hadoop, String input) {
    try {
      Path path = new Path(input);
      String scheme = path.toUri().getScheme();
      if (scheme == null) {
        scheme = FileSystem.getDefaultUri(hadoop).getScheme();
      }
      return "file".equals(scheme);
    } catch (IllegalArgumentException e) {
      return false; // not a path Hadoop can parse here: Spark's listing will say what is wrong with it
    }
  }
}

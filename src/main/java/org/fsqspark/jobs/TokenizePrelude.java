package org.fsqspark.jobs;

import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.image.NativeJpeg;
import org.fsqspark.io.InputListing;
import org.fsqspark.model.JvmModelCache;

/**
 * What a tokenize command does before its SparkSession exists, so that a bad input costs no Spark start and a
 * good one overlaps the slow starts: a local input is listed first (a missing folder or one without images
 * fails in well under a second, with Spark never started), and when the executors are this JVM (master
 * {@code local[...]}), the PyTorch engine and the native JPEG decoder load on background threads while Spark
 * starts. The listing depends on the input only, so a run that lists here plans the same shards.
 */
public final class TokenizePrelude {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenizePrelude.class);

  private final InputListing.Result listing;

  private TokenizePrelude(InputListing.Result listing) {
    this.listing = listing;
  }

  /** Lists a local input and starts the warm-ups; {@code sparkSettings} are the settings the session will get. */
  public static TokenizePrelude start(TokenizeConfig config, Map<String, String> sparkSettings) {
    String master = sparkSettings.getOrDefault("spark.master", System.getProperty("spark.master", "local[*]"));
    if (master.startsWith("local") && !master.startsWith("local-cluster")) {
      int taskCpus = Integer.parseInt(sparkSettings.getOrDefault("spark.task.cpus",
          System.getProperty("spark.task.cpus", "1")).trim());
      warmUp(taskCpus);
    }
    Configuration hadoop = new Configuration();
    sparkSettings.forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.")) {
        hadoop.set(key.substring("spark.hadoop.".length()), value);
      }
    });
    if (!isLocal(hadoop, config.input())) {
      return new TokenizePrelude(null);
    }
    long start = System.nanoTime();
    InputListing.Result listing = InputListing.list(hadoop, config.input(), config.format());
    LOG.info("Listed {} files before starting Spark in {} ms", listing.files().size(),
        (System.nanoTime() - start) / 1_000_000);
    return new TokenizePrelude(listing);
  }

  /** The input's listing when it was made before Spark started. */
  Optional<InputListing.Result> listing() {
    return Optional.ofNullable(listing);
  }

  /** Whether {@code input} is on this machine's file system, which needs no Spark settings to list. */
  static boolean isLocal(Configuration hadoop, String input) {
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

  /** The engine and the JPEG decoder this JVM's tasks will need, loaded while Spark starts. */
  private static void warmUp(int taskCpus) {
    Thread engine = new Thread(() -> {
      try {
        JvmModelCache.limitEngineThreads(taskCpus);
        ai.djl.engine.Engine.getEngine("PyTorch");
      } catch (RuntimeException | LinkageError e) {
        // The first task loads it again and reports what is wrong.
        LOG.debug("Loading the PyTorch engine ahead of the tasks failed", e);
      }
    }, "fsq-engine-warm-up");
    engine.setDaemon(true);
    engine.start();
    NativeJpeg.preload();
  }
}

package org.fsqspark.model;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.io.ModelSource;
import org.fsqspark.shard.JvmSingletons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded encoder or decoder per (model, device) per JVM ({@link JvmSingletons}), shared by every task thread
 * of an executor; the DJL Spark extension's per-partition reload is what this avoids. Predictors stay per thread.
 */
public final class JvmModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(JvmModelCache.class);
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static volatile Path scratch;

  private JvmModelCache() {}

  /** The encoder of this model on this device, loading it if no thread of this JVM has yet. */
  public static TokenizerModel encoder(ModelSource source, Device device) {
    return encoder(source, device, () -> { });
  }

  /** As {@link #encoder(ModelSource, Device)}; {@code onLoad} runs only in the call that actually loads. */
  public static TokenizerModel encoder(ModelSource source, Device device, Runnable onLoad) {
    return load("encoder", TokenizerModel.class, source, device, folder -> TokenizerModel.load(folder, device), onLoad);
  }

  /** The decoder of this model on this device, loaded once per JVM like the encoders. */
  public static DecoderModel decoder(ModelSource source, Device device) {
    return load("decoder", DecoderModel.class, source, device, folder -> DecoderModel.load(folder, device), () -> { });
  }

  private static <T> T load(String part, Class<T> type, ModelSource source, Device device,
      java.util.function.Function<ModelFolder, T> loader, Runnable onLoad) {
    return JvmSingletons.get(part + ":" + cacheKey(source, device), type, () -> {
      long start = System.nanoTime();
      T model = loader.apply(source.materialize(scratchDirectory()));
      LOADS.incrementAndGet();
      onLoad.run();
      LOG.info("Loaded the {} of {} on {} in {} ms", part, source.key(), device, (System.nanoTime() - start) / 1_000_000);
      return model;
    });
  }

  /**
   * A model's key names its weights, not its manifest: the same weights under an edited manifest (another
   * downsample, output or dtype) are another model, and must not get the one loaded under the old manifest.
   */
  private static String cacheKey(ModelSource source, Device device) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(source.manifestJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return source.key() + "@" + device + "#" + java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** How many encoders and decoders this JVM has loaded; tests use it to prove one load per executor. */
  public static int loadsInThisJvm() {
    return LOADS.get();
  }

  /**
   * Caps libtorch's intra-op threads for this JVM before the engine starts, so that several concurrent
   * tasks do not each spawn one thread per core. A value the user set explicitly wins.
   */
  public static void limitEngineThreads(int threads) {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, threads)));
    }
    if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  /** The folder this JVM copies models into, or null before the first copy; checks hide it from messages. */
  static Path scratchIfCreated() {
    return scratch;
  }

  private static Path scratchDirectory() {
    Path current = scratch;
    if (current == null) {
      try {
        current = Files.createTempDirectory("fsq-spark-models-");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a scratch folder for models under java.io.tmpdir", e);
      }
      Path toDelete = current;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(toDelete), "fsq-model-cleanup"));
      scratch = current;
    }
    return current;
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // Best effort at JVM exit; the folder lives under java.io.tmpdir either way.
    }
  }
}

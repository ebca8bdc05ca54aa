package org.fsqspark.model;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model per (model, device) per JVM, shared by every task thread of an executor; the DJL
 * Spark extension's per-partition reload is what this avoids. Predictors stay per thread.
 */
public final class JvmModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(JvmModelCache.class);
  private static final Map<String, TokenizerModel> MODELS = new ConcurrentHashMap<>();
  private static final Map<String, DecoderModel> DECODERS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static volatile Path scratch;

  private JvmModelCache() {}

  /** The model for this package on this device, loading it if no thread of this JVM has yet. */
  public static TokenizerModel obtain(ModelSource modelPackage, Device device) {
    return obtain(modelPackage, device, () -> { });
  }

  /** As {@link #obtain(ModelSource, Device)}; {@code onLoad} runs only in the call that actually loads. */
  public static TokenizerModel obtain(ModelSource modelPackage, Device device, Runnable onLoad) {
    String key = cacheKey(modelPackage, device);
    TokenizerModel model = MODELS.get(key);
    if (model != null) {
      return model;
    }
    synchronized (JvmModelCache.class) {
      model = MODELS.get(key);
      if (model == null) {
        long start = System.nanoTime();
        ModelFolder folder = modelPackage.materialize(scratchDirectory());
        model = TokenizerModel.load(folder, device);
        MODELS.put(key, model);
        LOADS.incrementAndGet();
        onLoad.run();
        LOG.info("Loaded model {} on {} in {} ms", modelPackage.key(), device, (System.nanoTime() - start) / 1_000_000);
      }
      return model;
    }
  }

  /** The decoder of this model on this device, loaded once per JVM like the encoders. */
  public static DecoderModel obtainDecoder(ModelSource source, Device device) {
    String key = cacheKey(source, device);
    DecoderModel decoder = DECODERS.get(key);
    if (decoder != null) {
      return decoder;
    }
    synchronized (JvmModelCache.class) {
      decoder = DECODERS.get(key);
      if (decoder == null) {
        decoder = DecoderModel.load(source.materialize(scratchDirectory()), device);
        DECODERS.put(key, decoder);
        LOG.info("Loaded decoder {} on {}", source.key(), device);
      }
      return decoder;
    }
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

  /** How many models this JVM has loaded since it started; tests use it to prove one load per executor. */
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

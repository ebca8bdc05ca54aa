package org.fsqspark.model;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;
import org.fsqspark.error.Bugs;
import org.fsqspark.io.ModelSource;

/**
 * Runs a model once on the driver before a job starts: two synthetic images through the real encoder and
 * quantizer, or one token grid through the decoder. Unreadable weights, a dtype the engine cannot run, a
 * grid that disagrees with {@code downsample}, the wrong output kind or NaN latents then fail the job at
 * once with one line naming the user's model folder, instead of turning every image into a reject on the
 * executors or a stack trace naming the temporary folder the model was copied to.
 */
public final class ModelCheck {
  private static final Pattern WRAPPED = Pattern.compile("^((?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): )+");

  private ModelCheck() {}

  /**
   * Loads the encoder of {@code source} on {@code device} and encodes a black and a mid-grey image.
   *
   * @param location where the user keeps the model, for the message
   * @param keepLoaded load it into this JVM's {@link JvmModelCache} (local mode, where this JVM is the
   *     executor) instead of loading and closing it; {@code onLoad} runs if that actually loads it
   */
  public static void encoder(ModelSource source, Device device, String location, boolean keepLoaded, Runnable onLoad) {
    TokenizerManifest manifest = TokenizerManifest.fromJson(source.manifestJson(), location);
    check(location, "encode 2 synthetic " + manifest.inputHeight() + "x" + manifest.inputWidth() + " images", scratch -> {
      if (keepLoaded) {
        encode(JvmModelCache.encoder(source, device, onLoad));
      } else {
        try (TokenizerModel model = TokenizerModel.load(source.materialize(scratch.create()), device)) {
          encode(model);
        }
      }
    });
  }

  /** Loads the decoder of {@code source} on {@code device} and decodes one grid of token 0; as {@link #encoder}. */
  public static void decoder(ModelSource source, Device device, String location, boolean keepLoaded) {
    TokenizerManifest manifest = TokenizerManifest.fromJson(source.manifestJson(), location);
    check(location, "decode a synthetic " + manifest.gridHeight() + "x" + manifest.gridWidth() + " token grid", scratch -> {
      if (keepLoaded) {
        decode(JvmModelCache.decoder(source, device));
      } else {
        try (DecoderModel model = DecoderModel.load(source.materialize(scratch.create()), device)) {
          decode(model);
        }
      }
    });
  }

  /** A check's body; it asks for a scratch folder only when it copies the model out of the JVM's cache. */
  private interface Run {
    void run(Scratch scratch) throws Exception;
  }

  private interface Scratch {
    Path create() throws IOException;
  }

  /** Runs a check; any failure but a bug in this code becomes one line naming the model ({@link #failure}). */
  private static void check(String location, String test, Run run) {
    Path[] scratch = {null};
    try {
      run.run(() -> scratch[0] = Files.createTempDirectory("fsq-spark-check-"));
    } catch (Exception e) {
      Bugs.rethrowIfBug(e);
      throw failure(location, test, e, scratch[0]);
    } finally {
      deleteQuietly(scratch[0]);
    }
  }

  private static void encode(TokenizerModel model) throws ai.djl.translate.TranslateException {
    TokenizerManifest manifest = model.manifest();
    int per = manifest.channels() * manifest.inputHeight() * manifest.inputWidth();
    float[] pixels = new float[2 * per];
    java.util.Arrays.fill(pixels, 0, per, manifest.pixelMin());
    java.util.Arrays.fill(pixels, per, 2 * per, (manifest.pixelMin() + manifest.pixelMax()) / 2);
    TokenBatch tokens;
    try (Predictor<PixelBatch, TokenBatch> predictor = model.newPredictor()) {
      tokens = predictor.predict(new PixelBatch(pixels, 2, manifest.channels(), manifest.inputHeight(),
          manifest.inputWidth()));
    }
    // The translator checks the grid, the range of returned indices and that latents are finite.
    if (tokens.count() != 2 || tokens.tokens().length < 2 * manifest.tokensPerImage()) {
      throw new IllegalStateException("it returned " + tokens.count() + " token grids for 2 images");
    }
  }

  private static void decode(DecoderModel model) throws ai.djl.translate.TranslateException {
    TokenizerManifest manifest = model.manifest();
    PixelBatch pixels;
    try (Predictor<TokenBatch, PixelBatch> predictor = model.newPredictor()) {
      pixels = predictor.predict(new TokenBatch(new int[manifest.tokensPerImage()], 1, manifest.gridHeight(),
          manifest.gridWidth()));
    }
    if (pixels.count() != 1 || pixels.channels() != manifest.channels() || pixels.height() != manifest.inputHeight()
        || pixels.width() != manifest.inputWidth()) {
      throw new IllegalStateException(String.format(Locale.ROOT, "it returned %d images of %dx%dx%d but the manifest"
              + " promises 1 of %dx%dx%d (channels x input_size)", pixels.count(), pixels.channels(), pixels.height(),
          pixels.width(), manifest.channels(), manifest.inputHeight(), manifest.inputWidth()));
    }
    for (float value : pixels.pixels()) {
      if (!Float.isFinite(value)) {
        throw new IllegalStateException("it returned " + value + " pixels");
      }
    }
  }

  /** One line: the user's folder, the test, and the cause with the temporary copies' paths replaced. */
  private static BadInputException failure(String location, String test, Exception e, Path scratch) {
    String cause = describe(e);
    Path cache = JvmModelCache.scratchIfCreated();
    for (Path copies : new Path[] {scratch, cache}) {
      if (copies != null) {
        cause = cause.replaceAll(Pattern.quote(copies.toString()) + "[/\\\\][^\\s/\\\\:]+",
            Matcher.quoteReplacement(location));
        cause = cause.replace(copies.toString(), location);
      }
    }
    return new BadInputException("Model " + location + " cannot " + test + ": " + cause
        + "; fix or replace the model (is it the one its tokenizer.json describes?)", e);
  }

  /** The exception's message, with the root cause's when it adds something. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = oneLine(e);
    String bottom = oneLine(root);
    return root == e || top.contains(bottom) ? top : top + " (" + bottom + ")";
  }

  /** Engine messages span many lines (TorchScript tracebacks): the first line and the last, which says why. */
  private static String oneLine(Throwable e) {
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      return e.getClass().getSimpleName();
    }
    // DJL wraps causes as "java.lang.IllegalStateException: message"; the class name says nothing to a user.
    String[] lines = WRAPPED.matcher(e.getMessage().strip()).replaceFirst("").split("\\s*\\R\\s*");
    return lines.length == 1 ? lines[0] : lines[0] + " ... " + lines[lines.length - 1];
  }

  private static void deleteQuietly(Path root) {
    if (root == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A leftover under java.io.tmpdir costs disk space, nothing else.
    }
  }
}

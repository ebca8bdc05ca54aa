package org.fsqspark.prior;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.image.ImageEncoder;
import org.fsqspark.io.Column;
import org.fsqspark.io.ColumnType;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.DecoderModel;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;

/**
 * {@code fsq prior sample}: MaskGIT sampling from a prior on one machine (no Spark), the grids written as a
 * token table with the tokenizer's manifest ({@code tokens/}), decoded to PNG with the tokenizer's decoder
 * ({@code images/}), and a grid image of them ({@code grid.png}: a row per class with --per-class).
 */
public final class PriorSampling {
  /** What prior sample writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final org.fsqspark.io.OutputKind OUTPUT = org.fsqspark.io.OutputKind.of("prior sample",
      "tokens/part-00000.parquet", "tokens/" + org.fsqspark.io.TokenTable.MANIFEST_FILE, "images/*.png", "grid.png",
      "samples.json");

  /** What to sample. {@code label} null and {@code perClass} false: unlabelled samples. */
  public record Settings(Path prior, String model, Path output, int count, Integer label, boolean perClass, int steps,
      float temperature, float choiceTemperature, long seed, int batchSize) {
    public Settings {
      if (count < 1 || count > 100_000) {
        throw new BadInputException("--count must be between 1 and 100000, got " + count);
      }
      if (label != null && perClass) {
        throw new BadInputException("Give either --label K or --per-class, not both");
      }
    }
  }

  /** Where the results are. */
  public record Result(Path tokens, Path images, Path grid, int samples) {}

  private static final int GRID_COLUMNS = 16;

  private final Settings settings;
  private final Device device;
  private final PrintWriter progress;

  public PriorSampling(Settings settings, Device device, PrintWriter progress) {
    this.settings = settings;
    this.device = device;
    this.progress = progress;
  }

  public Result run() {
    try (PriorModel prior = PriorModel.load(settings.prior(), device)) {
      TokenizerManifest manifest = prior.tokenizer();
      ModelFolder decoderFolder = decoderFolder(manifest);
      PriorSampler sampler = new PriorSampler(prior.network(), settings.steps(), settings.temperature(),
          settings.choiceTemperature());
      List<Integer> labels = new ArrayList<>();
      if (settings.perClass()) {
        if (!prior.architecture().conditioned()) {
          throw new BadInputException("--per-class needs a prior trained with --condition; this one is"
              + " unconditional");
        }
        for (int k = 0; k < prior.architecture().classes(); k++) {
          labels.add(k);
        }
      } else {
        labels.add(settings.label());
      }
      List<int[]> grids = new ArrayList<>();
      List<Integer> gridLabels = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < labels.size(); i++) {
        Integer label = labels.get(i);
        // One seed per class, so the samples of a class do not depend on which other classes were asked for.
        List<int[]> sampled = sampler.sample(settings.count(), label, settings.seed() + 1000003L * (label == null ? -1
            : label), settings.batchSize());
        grids.addAll(sampled);
        sampled.forEach(g -> gridLabels.add(label));
      }
      progress.printf(Locale.ROOT, "prior sample: %d grids in %.1f s (%d steps, temperature %.2f)%n", grids.size(),
          (System.nanoTime() - start) / 1e9, settings.steps(), settings.temperature());
      progress.flush();
      Path tokens = writeTokens(manifest, grids, gridLabels);
      List<float[]> pixels;
      try {
        pixels = decode(decoderFolder, manifest, grids);
      } finally {
        if ("default".equals(settings.model())) {
          deleteQuietly(decoderFolder.directory().getParent());
        }
      }
      Path images = writeImages(manifest, pixels, gridLabels);
      Path grid = writeGrid(manifest, pixels, labels.size(), settings.count());
      writeSummary(prior, grids.size());
      return new Result(tokens, images, grid, grids.size());
    }
  }

  private ModelFolder decoderFolder(TokenizerManifest manifest) {
    ModelFolder folder;
    if ("default".equals(settings.model())) {
      try {
        folder = ModelPackage.bundledDefault().materialize(Files.createTempDirectory("fsq-prior-decoder-"));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot unpack the bundled tokenizer", e);
      }
    } else {
      folder = ModelFolder.open(Path.of(settings.model()));
    }
    if (!folder.manifest().equals(manifest)) {
      throw new BadInputException("--model " + settings.model() + " is tokenizer " + folder.manifest().name()
          + " " + folder.manifest().levels() + ", but the prior was trained on tokens of " + manifest.name() + " "
          + manifest.levels() + "; pass --model with the tokenizer that made the prior's table");
    }
    return folder;
  }

  /** Removes the unpacked bundled tokenizer; a leftover under java.io.tmpdir is harmless, so failures are ignored. */
  private static void deleteQuietly(Path folder) {
    try (java.util.stream.Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // nothing to undo
    }
  }

  private String idOf(int index, Integer label) {
    return String.format(Locale.ROOT, "sample-%s-%05d", label == null ? "unlabelled" : "class" + label, index);
  }

  private Path writeTokens(TokenizerManifest manifest, List<int[]> grids, List<Integer> labels) {
    Path folder = settings.output().resolve("tokens");
    List<Column> passthrough = List.of(Column.optional("label", ColumnType.LONG));
    List<Column> columns = new ArrayList<>(TokenTable.COLUMNS);
    columns.addAll(passthrough);
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(folder.resolve("part-00000.parquet").toUri());
    try (ParquetRowWriter writer = new ParquetRowWriter(conf, file, columns, TokenTable.footer(manifest,
        passthrough))) {
      for (int i = 0; i < grids.size(); i++) {
        Integer label = labels.get(i);
        writer.write(new Object[] {idOf(i % settings.count(), label), grids.get(i), manifest.gridHeight(),
            manifest.gridWidth(), manifest.inputHeight(), manifest.inputWidth(),
            label == null ? null : (long) label});
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    org.fsqspark.io.TextFiles.write(conf, new org.apache.hadoop.fs.Path(folder.resolve(TokenTable.MANIFEST_FILE).toUri()),
        manifest.toJson() + "\n");
    return folder;
  }

  private List<float[]> decode(ModelFolder folder, TokenizerManifest manifest, List<int[]> grids) {
    List<float[]> images = new ArrayList<>();
    int per = manifest.channels() * manifest.inputHeight() * manifest.inputWidth();
    try (DecoderModel decoder = DecoderModel.load(folder, device);
        Predictor<TokenBatch, PixelBatch> predictor = decoder.newPredictor()) {
      int positions = manifest.tokensPerImage();
      for (int start = 0; start < grids.size(); start += 256) {
        int count = Math.min(256, grids.size() - start);
        int[] tokens = new int[count * positions];
        for (int i = 0; i < count; i++) {
          System.arraycopy(grids.get(start + i), 0, tokens, i * positions, positions);
        }
        PixelBatch pixels = predictor.predict(new TokenBatch(tokens, count, manifest.gridHeight(),
            manifest.gridWidth()));
        for (int i = 0; i < count; i++) {
          images.add(java.util.Arrays.copyOfRange(pixels.pixels(), i * per, (i + 1) * per));
        }
      }
    } catch (TranslateException e) {
      throw new IllegalStateException("The decoder of " + folder + " failed: " + e.getMessage(), e);
    }
    return images;
  }

  private Path writeImages(TokenizerManifest manifest, List<float[]> pixels, List<Integer> labels) {
    Path folder = settings.output().resolve("images");
    try {
      Files.createDirectories(folder);
      for (int i = 0; i < pixels.size(); i++) {
        Files.write(folder.resolve(idOf(i % settings.count(), labels.get(i)) + ".png"),
            ImageEncoder.png(pixels.get(i), 0, manifest.channels(), manifest.inputHeight(), manifest.inputWidth(),
                manifest.pixelMin(), manifest.pixelMax()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write images to " + folder, e);
    }
    return folder;
  }

  /** One row per class (or rows of 16 unlabelled samples), each image scaled up for a person to see. */
  private Path writeGrid(TokenizerManifest manifest, List<float[]> pixels, int classes, int perClass) {
    int h = manifest.inputHeight();
    int w = manifest.inputWidth();
    int scale = Math.max(1, 64 / Math.max(h, w));
    int columns = classes > 1 ? Math.min(perClass, GRID_COLUMNS) : Math.min(pixels.size(), GRID_COLUMNS);
    int rows = classes > 1 ? classes : (pixels.size() + columns - 1) / columns;
    BufferedImage grid = new BufferedImage(columns * (w * scale + 2) + 2, rows * (h * scale + 2) + 2,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
    for (int i = 0; i < pixels.size(); i++) {
      int row = classes > 1 ? i / perClass : i / columns;
      int column = classes > 1 ? i % perClass : i % columns;
      if (column >= columns) {
        continue;
      }
      g.drawImage(ImageEncoder.toImage(pixels.get(i), 0, manifest.channels(), h, w, manifest.pixelMin(),
          manifest.pixelMax()), 2 + column * (w * scale + 2), 2 + row * (h * scale + 2), w * scale, h * scale, null);
    }
    g.dispose();
    Path file = settings.output().resolve("grid.png");
    try {
      Files.write(file, ImageEncoder.write(grid));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    return file;
  }

  private void writeSummary(PriorModel prior, int samples) {
    JsonObject json = new JsonObject();
    json.addProperty("job", "prior sample");
    json.addProperty("prior", settings.prior().toString());
    json.addProperty("prior_sha256", prior.sha256());
    json.addProperty("samples", samples);
    json.addProperty("per_class", settings.perClass());
    json.addProperty("label", settings.label());
    json.addProperty("steps", settings.steps());
    json.addProperty("temperature", settings.temperature());
    json.addProperty("choice_temperature", settings.choiceTemperature());
    json.addProperty("seed", settings.seed());
    json.addProperty("sampler", "MaskGIT: cosine schedule, confidence = log p + Gumbel noise x choice temperature"
        + " x (1 - t/T)");
    try {
      Files.writeString(settings.output().resolve("samples.json"),
          new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write samples.json", e);
    }
  }
}

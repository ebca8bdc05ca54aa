package org.fsqspark.jobs;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.fsqspark.image.ImageEncoder;
import org.fsqspark.io.FileNames;
import org.fsqspark.io.HadoopConfiguration;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.SharedModelFolder;
import org.fsqspark.io.TableManifest;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelCheck;
import org.fsqspark.model.ModelFolder;
import org.fsqspark.model.ModelPackage;
import org.fsqspark.model.ModelSource;
import org.fsqspark.model.TokenizerManifest;

/**
 * {@code fsq decode}: token table -> the model's decoder on executors, batched, one decoder per executor JVM
 * -> PNG files or a Parquet image table; with the source images, PSNR per image and overall and a grid of
 * originals over reconstructions.
 */
public final class DecodeJob {
  private static final int GRID_IMAGES = 16;

  private final SparkSession spark;
  private final DecodeConfig config;
  private final PrintWriter console;

  public DecodeJob(SparkSession spark, DecodeConfig config, PrintWriter console) {
    this.spark = spark;
    this.config = config;
    this.console = console;
  }

  /** What decode writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("decode", "images/**.png", "images/part-*.parquet",
      "psnr/part-*.parquet", TokenTable.TEMPORARY_DIR + "/**", "decode.json", "grid.png");

  public DecodeResult run() {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    OutputFolder folder = OutputFolder.check(hadoop, config.output(), OUTPUT,
        config.overwrite() ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.REFUSE,
        new OutputFolder.Input("--input", config.input()), new OutputFolder.Input("--originals", config.originals()),
        new OutputFolder.Input("--model", "default".equals(config.model()) ? null : config.model()));
    ModelSource source = loadModel(hadoop);
    TokenizerManifest manifest = TokenizerManifest.fromJson(source.manifestJson(), source.key());
    TokenizerManifest tokenizer = TableManifest.read(hadoop, config.input()).manifest().orElse(null);
    Dataset<Row> table = spark.read().parquet(config.input());
    TokenTable.checkSchema(table.schema(), config.input());
    if (tokenizer != null && !sameModel(tokenizer, manifest)) {
      throw new IllegalArgumentException("Table " + config.input() + " was tokenized by " + tokenizer.name() + " "
          + tokenizer.version() + " (weights " + tokenizer.sha256() + ") but --model is " + manifest.name() + " "
          + manifest.version() + " (weights " + manifest.sha256() + "); decode with the model that made the tokens");
    }
    BatchMemory.check(spark.sparkContext(), manifest, config.batchSize(), batch -> 2L * batch,
        "the decoder's output batch and its copy");
    checkDecoder(source);
    folder.prepare();
    Path output = folder.path();
    String originals = config.originals() == null ? null : FileNames.location(hadoop, config.originals());

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<ModelSource> shipped = jsc.broadcast(source);
    Broadcast<HadoopConfiguration> hadoopConf = jsc.broadcast(new HadoopConfiguration(hadoop));
    DecodeShards function = new DecodeShards(shipped, hadoopConf, manifest, config, originals,
        DeviceRequest.parse("auto", true));
    console.printf(Locale.ROOT, "decode: %s with the decoder of %s into %s%n", config.input(), manifest.name(), output);
    console.flush();
    spark.sparkContext().setJobDescription("fsq decode: " + config.input());
    List<DecodeShards.Partial> partials;
    try {
      partials = table.select(functions.col(TokenTable.ID), functions.col(TokenTable.TOKENS),
              functions.col(TokenTable.GRID_H), functions.col(TokenTable.GRID_W), functions.input_file_name())
          .javaRDD().mapPartitions(function).collect();
    } finally {
      shipped.destroy();
      hadoopConf.destroy();
    }
    deleteQuietly(hadoop, new Path(output, TokenTable.TEMPORARY_DIR));
    long images = partials.stream().mapToLong(p -> p.images).sum();
    long rejected = partials.stream().mapToLong(p -> p.rejected).sum();
    long compared = partials.stream().mapToLong(p -> p.compared).sum();
    long missing = partials.stream().mapToLong(p -> p.missingOriginals).sum();
    double meanPsnr = compared == 0 ? Double.NaN : partials.stream().mapToDouble(p -> p.psnrSum).sum() / compared;
    String grid = null;
    if (compared > 0) {
      grid = writeGrid(hadoop, output, partials, manifest).toString();
    }
    DecodeResult result = new DecodeResult(output.toString(), images, rejected, compared, meanPsnr, missing, grid);
    TokenTable.writeText(hadoop, new Path(output, "decode.json"), summary(result, manifest));
    return result;
  }

  /**
   * Decodes a synthetic token grid on the driver, so a broken decoder fails now with one line naming the
   * model; in local mode the executors are this JVM and reuse the decoder loaded here.
   */
  private void checkDecoder(ModelSource source) {
    JvmModelCache.limitEngineThreads(spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
    boolean local = spark.sparkContext().isLocal();
    Device device = local ? DeviceRequest.parse("auto", true).resolve(null) : Device.cpu();
    ModelCheck.decoder(source, device, TokenizeJob.modelLocation(config.model()), local);
  }

  private static boolean sameModel(TokenizerManifest a, TokenizerManifest b) {
    if (a.sha256() != null && b.sha256() != null) {
      return a.sha256().equals(b.sha256());
    }
    return a.name().equals(b.name()) && a.version().equals(b.version()) && a.levels().equals(b.levels());
  }

  /** Originals over reconstructions, up to 16 images, each scaled up for a person to see. */
  private Path writeGrid(Configuration hadoop, Path output, List<DecodeShards.Partial> partials,
      TokenizerManifest manifest) {
    List<DecodeShards.Sample> samples = new ArrayList<>();
    partials.forEach(p -> samples.addAll(p.samples));
    samples.sort(Comparator.comparing(DecodeShards.Sample::id));
    List<DecodeShards.Sample> shown = samples.subList(0, Math.min(GRID_IMAGES, samples.size()));
    int h = manifest.inputHeight();
    int w = manifest.inputWidth();
    int scale = Math.max(1, 96 / Math.max(h, w));
    BufferedImage grid = new BufferedImage(shown.size() * (w * scale + 4) + 4, 2 * (h * scale + 4) + 4,
        BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = grid.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
    for (int i = 0; i < shown.size(); i++) {
      int x = 4 + i * (w * scale + 4);
      g.drawImage(ImageEncoder.toImage(shown.get(i).original(), 0, manifest.channels(), h, w, 0, 1), x, 4, w * scale,
          h * scale, null);
      g.drawImage(ImageEncoder.toImage(shown.get(i).reconstruction(), 0, manifest.channels(), h, w, 0, 1), x,
          8 + h * scale, w * scale, h * scale, null);
    }
    g.dispose();
    Path file = new Path(output, "grid.png");
    try (FSDataOutputStream out = file.getFileSystem(hadoop).create(file, true)) {
      out.write(ImageEncoder.write(grid));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    return file;
  }

  private String summary(DecodeResult result, TokenizerManifest manifest) {
    JsonObject root = new JsonObject();
    root.addProperty("job", "decode");
    root.addProperty("input", config.input());
    root.addProperty("model", manifest.name() + " " + manifest.version());
    root.addProperty("format", config.format());
    root.addProperty("images", result.images());
    root.addProperty("rejected", result.rejected());
    root.addProperty("compared_with_originals", result.compared());
    if (result.compared() > 0) {
      root.addProperty("mean_psnr_db", result.meanPsnr());
    }
    root.addProperty("originals_missing", result.missingOriginals());
    return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root) + "\n";
  }

  private ModelSource loadModel(Configuration hadoop) {
    if ("default".equals(config.model())) {
      return ModelPackage.bundledDefault();
    }
    if (SharedModelFolder.isShared(config.model())) {
      return SharedModelFolder.open(hadoop, config.model());
    }
    return ModelPackage.of(ModelFolder.open(java.nio.file.Path.of(config.model())));
  }

  private static void deleteQuietly(Configuration hadoop, Path path) {
    try {
      path.getFileSystem(hadoop).delete(path, true);
    } catch (IOException e) {
      // _temporary is skipped by every reader
    }
  }
}

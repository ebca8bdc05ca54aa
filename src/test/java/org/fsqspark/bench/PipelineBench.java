package org.fsqspark.bench;

import ai.djl.Device;
import ai.djl.inference.Predictor;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.image.DecodedImage;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.io.Column;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.TokenTable;
import org.fsqspark.jobs.SparkSessions;
import org.fsqspark.pipeline.StatsConfig;
import org.fsqspark.jobs.StatsJob;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.jobs.TokenizeJob;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.model.TokenizerModel;

/**
 * The end-to-end benchmarks of scripts/bench, all in one JVM with the same settings, each measured several
 * times and reported as a median: the tokenize job, its two stages alone, the same work in a plain Java loop
 * without Spark, and the stats histogram job against a plain scan. Prints {@code name: value} lines.
 *
 * <p>Usage: PipelineBench IMAGE_DIR WORK_DIR REPEATS [MODEL [e2e]] (with {@code e2e}, only the tokenize job)
 */
public final class PipelineBench {
  private final Path images;
  private final Path work;
  private final int repeats;
  private final String model;
  private final int threads = Runtime.getRuntime().availableProcessors();
  private final int batchSize = 64;

  private PipelineBench(Path images, Path work, int repeats, String model) {
    this.images = images;
    this.work = work;
    this.repeats = repeats;
    this.model = model;
  }

  public static void main(String[] args) throws Exception {
    PipelineBench bench = new PipelineBench(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]),
        args.length > 3 ? args[3] : "default");
    if (args.length > 4 && "e2e".equals(args[4])) {
      bench.runJobOnly();
    } else {
      bench.run();
    }
    System.exit(0);
  }

  private void run() throws Exception {
    JvmModelCache.limitEngineThreads(1);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(images)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    ModelFolder folder = "default".equals(model) ? ModelPackage.bundledDefault().materialize(work.resolve("model"))
        : ModelFolder.open(Path.of(model));
    TokenizerManifest manifest = folder.manifest();
    SparkSession spark = SparkSessions.start("fsq-bench", Map.of("spark.master", "local[" + threads + "]",
        "spark.ui.enabled", "false", "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1"));

    print("images", files.size());
    print("cores", threads);
    Path few = Files.createDirectories(work.resolve("few-images"));
    for (Path file : files.subList(0, Math.min(16, files.size()))) {
      Files.copy(file, few.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Path table = work.resolve("tokens-0");
    try (TokenizerModel encoder = TokenizerModel.load(folder, Device.cpu())) {
      float[][] preprocessed = preprocess(files, manifest);
      // Every measurement once per round, rounds interleaved, the first rounds only warming the JIT: the
      // ratios compare code paths equally warm, measured in the same minutes of this noisy machine.
      Map<String, Measurement> measurements = new java.util.LinkedHashMap<>();
      measurements.put("tokenize_images_per_s", () -> tokenizeJob(spark, images, files.size()));
      // What every run pays whatever its size: planning, scheduling, committing; amortised on real datasets.
      measurements.put("tokenize_16_images_job_per_s", () -> tokenizeJob(spark, few, 1));
      measurements.put("decode_only_images_per_s", () -> decodeOnly(files, manifest));
      measurements.put("encode_only_images_per_s", () -> encodeOnly(encoder, preprocessed, manifest));
      measurements.put("plain_loop_images_per_s", () -> plainLoop(encoder, files, manifest));
      measurements.put("stats_histogram_per_s", () -> statsJob(spark, table));
      measurements.put("plain_scan_per_s", () -> scan(spark, table));
      Map<String, Double> medians = interleavedMedians(measurements);
      double e2e = medians.get("tokenize_images_per_s");
      double decode = medians.get("decode_only_images_per_s");
      double encode = medians.get("encode_only_images_per_s");
      double plain = medians.get("plain_loop_images_per_s");
      double ceiling = 1 / (1 / decode + 1 / encode);
      print("tokenize_images_per_s", e2e);
      print("tokenize_16_images_job_s", 1 / medians.get("tokenize_16_images_job_per_s"));
      print("decode_only_images_per_s", decode);
      print("encode_only_images_per_s", encode);
      print("serial_ceiling_images_per_s", ceiling);
      print("pipeline_efficiency", e2e / ceiling);
      print("plain_loop_images_per_s", plain);
      print("spark_overhead_ratio", e2e / plain);
      print("stats_histogram_s", 1 / medians.get("stats_histogram_per_s"));
      print("plain_scan_s", 1 / medians.get("plain_scan_per_s"));
      print("stats_scan_ratio", medians.get("stats_histogram_per_s") / medians.get("plain_scan_per_s"));
    }
    spark.stop();
  }

  private int run = 0;

  /** Only the tokenize job, e.g. with the TorchScript export of the default model for the Python comparison. */
  private void runJobOnly() throws Exception {
    JvmModelCache.limitEngineThreads(1);
    long count;
    try (Stream<Path> walk = Files.walk(images)) {
      count = walk.filter(Files::isRegularFile).count();
    }
    SparkSession spark = SparkSessions.start("fsq-bench", Map.of("spark.master", "local[" + threads + "]",
        "spark.ui.enabled", "false", "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1"));
    Map<String, Double> medians = interleavedMedians(Map.of("e2e", () -> tokenizeJob(spark, images, (int) count)));
    print("tokenize_torchscript_images_per_s", medians.get("e2e"));
    spark.stop();
  }

  /** Images per second of the whole tokenize job (Spark session already up). */
  private double tokenizeJob(SparkSession spark, Path input, int count) {
    Path output = work.resolve("tokens-" + run++);
    long start = System.nanoTime();
    TokenizeConfig config = TokenizeConfig.of(input.toString(), output.toString(), model).withBatchSize(batchSize);
    new TokenizeJob(spark, config, new PrintWriter(new StringWriter())).run();
    return count / seconds(start);
  }

  /** The stage before the encoder, as the job's decode threads run it: read the file, decode, preprocess. */
  private double decodeOnly(List<Path> files, TokenizerManifest manifest) throws Exception {
    long start = System.nanoTime();
    parallel(files.size(), i -> {
      decodeOne(Files.readAllBytes(files.get(i)), manifest);
      return null;
    });
    return files.size() / seconds(start);
  }

  private float[][] preprocess(List<Path> files, TokenizerManifest manifest) throws Exception {
    float[][] result = new float[files.size()][];
    parallel(files.size(), i -> {
      result[i] = decodeOne(Files.readAllBytes(files.get(i)), manifest);
      return null;
    });
    return result;
  }

  /** The encoder alone on preprocessed batches: one predictor per thread, as one per Spark task. */
  private double encodeOnly(TokenizerModel encoder, float[][] pixels, TokenizerManifest manifest) throws Exception {
    long start = System.nanoTime();
    int per = pixels[0].length;
    AtomicInteger next = new AtomicInteger();
    runThreads(() -> {
      float[] buffer = new float[batchSize * per];
      try (Predictor<PixelBatch, TokenBatch> predictor = encoder.newPredictor()) {
        int first;
        while ((first = next.getAndAdd(batchSize)) < pixels.length) {
          int n = Math.min(batchSize, pixels.length - first);
          for (int i = 0; i < n; i++) {
            System.arraycopy(pixels[first + i], 0, buffer, i * per, per);
          }
          predictor.predict(new PixelBatch(buffer, n, manifest.channels(), manifest.inputHeight(), manifest.inputWidth()));
        }
      }
      return null;
    });
    return pixels.length / seconds(start);
  }

  /** The tokenize work without Spark: threads that read, decode, batch, encode and write one Parquet file each. */
  private double plainLoop(TokenizerModel encoder, List<Path> files, TokenizerManifest manifest) throws Exception {
    long start = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger fileNumber = new AtomicInteger();
    Path output = Files.createDirectories(work.resolve("plain-" + run++));
    List<Column> columns = TokenTable.COLUMNS;
    runThreads(() -> {
      int per = manifest.channels() * manifest.inputHeight() * manifest.inputWidth();
      float[] buffer = new float[batchSize * per];
      String[] ids = new String[batchSize];
      int[][] sizes = new int[batchSize][2];
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(output.toUri().toString(),
          "part-" + fileNumber.getAndIncrement() + ".parquet");
      try (Predictor<PixelBatch, TokenBatch> predictor = encoder.newPredictor();
          ParquetRowWriter writer = new ParquetRowWriter(new Configuration(), file, columns, Map.of())) {
        int first;
        while ((first = next.getAndAdd(batchSize)) < files.size()) {
          int n = Math.min(batchSize, files.size() - first);
          for (int i = 0; i < n; i++) {
            DecodedImage image = new ImageDecoder().decode(Files.readAllBytes(files.get(first + i)), "bench");
            preprocessor(manifest).write(image, buffer, i * per);
            ids[i] = "image-" + (first + i);
            sizes[i][0] = image.height();
            sizes[i][1] = image.width();
          }
          TokenBatch tokens = predictor.predict(new PixelBatch(buffer, n, manifest.channels(), manifest.inputHeight(),
              manifest.inputWidth()));
          for (int i = 0; i < n; i++) {
            writer.write(new Object[] {ids[i], tokens.image(i), tokens.gridHeight(), tokens.gridWidth(), sizes[i][0],
                sizes[i][1]});
          }
        }
      }
      return null;
    });
    return files.size() / seconds(start);
  }

  /** Runs per second of the stats histogram job (compression off). */
  private double statsJob(SparkSession spark, Path table) {
    long start = System.nanoTime();
    new StatsJob(spark, new StatsConfig(table.toString(), null, work.resolve("stats-" + run++).toString(), null, false,
        1.0), new PrintWriter(new StringWriter())).run();
    return 1 / seconds(start);
  }

  /** Runs per second of a plain scan: the sum of all token list lengths. */
  private double scan(SparkSession spark, Path table) {
    long start = System.nanoTime();
    spark.read().parquet(table.toString()).agg(functions.sum(functions.size(functions.col("tokens")))).collect();
    return 1 / seconds(start);
  }

  private float[] decodeOne(byte[] bytes, TokenizerManifest manifest) throws Exception {
    DecodedImage image = new ImageDecoder().decode(bytes, "bench");
    Preprocessor preprocessor = preprocessor(manifest);
    float[] out = new float[preprocessor.valuesPerImage()];
    preprocessor.write(image, out, 0);
    return out;
  }

  private static Preprocessor preprocessor(TokenizerManifest manifest) {
    return new Preprocessor(manifest.channels(), manifest.inputHeight(), manifest.inputWidth(), manifest.resize(),
        manifest.pixelMin(), manifest.pixelMax());
  }

  private interface Work {
    Object apply(int index) throws Exception;
  }

  private void parallel(int count, Work work) throws Exception {
    AtomicInteger next = new AtomicInteger();
    runThreads(() -> {
      int i;
      while ((i = next.getAndIncrement()) < count) {
        work.apply(i);
      }
      return null;
    });
  }

  private void runThreads(java.util.concurrent.Callable<Object> body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(body));
      }
      for (Future<Object> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private interface Measurement {
    double measure() throws Exception;
  }

  /** Medians of {@code repeats} rounds of every measurement, after {@code repeats} rounds of warm-up. */
  private Map<String, Double> interleavedMedians(Map<String, Measurement> measurements) throws Exception {
    Map<String, double[]> values = new java.util.LinkedHashMap<>();
    measurements.keySet().forEach(name -> values.put(name, new double[repeats]));
    for (int round = -repeats; round < repeats; round++) {
      for (Map.Entry<String, Measurement> measurement : measurements.entrySet()) {
        double value = measurement.getValue().measure();
        if (round >= 0) {
          values.get(measurement.getKey())[round] = value;
        }
      }
    }
    Map<String, Double> medians = new java.util.LinkedHashMap<>();
    values.forEach((name, runs) -> {
      Arrays.sort(runs);
      medians.put(name, runs[runs.length / 2]);
    });
    return medians;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void print(String name, double value) {
    System.out.println(String.format(Locale.ROOT, "%s: %.3f", name, value));
    System.out.flush();
  }

}

package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.image.DecodedImage;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.TableManifest;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.model.TokenizerModel;
import org.fsqspark.stats.CodebookHistogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.StatsConfig;
import org.fsqspark.pipeline.TokenizeResult;
import org.fsqspark.pipeline.LaunchTime;

class TokenizeJobTest {
  private static final int SAMPLES = 120;

  @TempDir
  static Path work;

  private static SparkSession spark;
  private static Path input;
  private static Path output;
  private static TokenizeResult result;
  private static long runStartedMillis;
  private static long runEndedMillis;
  private static TokenizerManifest manifest;

  @BeforeAll
  static void tokenizeOnce() throws Exception {
    spark = SparkTestSupport.local();
    input = work.resolve("images");
    TestImages.samples(input.resolve("fashion"), SAMPLES);
    TestImages.colourJpeg(input.resolve("photos/orange.jpg"), 64, 40);
    TestImages.badFiles(input.resolve("bad"), input.resolve("fashion/ankle_boot/test-00000.png"));
    Files.writeString(input.resolve("README.txt"), "not matched by the image glob");
    output = work.resolve("tokens");
    runStartedMillis = System.currentTimeMillis();
    result = new TokenizeJob(spark, config(output, false), new PrintWriter(new StringWriter())).run();
    runEndedMillis = System.currentTimeMillis();
    manifest = TokenizerManifest.fromJson(ModelPackage.bundledDefault().manifestJson(), "default");
  }

  @Test
  void everyInputIsEitherTokenizedOrRejectedExactlyOnce() {
    assertThat(result.inputs()).isEqualTo(SAMPLES + 5);
    assertThat(result.tokenized()).isEqualTo(SAMPLES + 1);
    assertThat(result.rejected()).isEqualTo(4);
    Dataset<Row> tokens = spark.read().parquet(output.toString());
    Dataset<Row> rejects = spark.read().parquet(output.resolve(TokenTable.REJECTS_DIR).toString());
    List<String> tokenIds = tokens.select("id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    List<String> rejectIds = rejects.select("id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    Set<String> all = new HashSet<>(tokenIds);
    all.addAll(rejectIds);
    assertThat(tokenIds).doesNotHaveDuplicates().contains("fashion/ankle_boot/test-00000.png", "photos/orange.jpg");
    assertThat(all).hasSize(SAMPLES + 5);
    assertThat(rejectIds).containsExactlyInAnyOrder("bad/bomb.png", "bad/empty.png", "bad/notes.jpg",
        "bad/truncated.png");
    Map<String, Row> byId = new HashMap<>();
    rejects.collectAsList().forEach(row -> byId.put(row.getString(0), row));
    assertThat(byId.get("bad/empty.png").getString(2)).isEqualTo("read");
    assertThat(byId.get("bad/notes.jpg").getString(3)).contains("not a recognised image format");
    assertThat(byId.get("bad/truncated.png").getString(3)).contains("truncated");
    assertThat(byId.get("bad/bomb.png").getString(3)).contains("100000x100000 pixels exceeds the limit");
    assertThat(byId.get("bad/truncated.png").getString(1)).startsWith("file:").endsWith("bad/truncated.png");
  }

  @Test
  void tableFollowsTheContract() throws Exception {
    Dataset<Row> tokens = spark.read().parquet(output.toString());
    assertThat(tokens.schema().fieldNames()).containsExactly("id", "tokens", "grid_h", "grid_w", "height", "width");
    TokenTable.checkSchema(tokens.schema(), output.toString());
    for (Row row : tokens.collectAsList()) {
      List<Integer> values = row.getList(1);
      assertThat(values).hasSize(row.getInt(2) * row.getInt(3));
      assertThat(values).allSatisfy(v -> assertThat(v).isBetween(0, manifest.levels().codebookSize() - 1));
      if (row.getString(0).equals("photos/orange.jpg")) {
        assertThat(row.getInt(4)).isEqualTo(40);
        assertThat(row.getInt(5)).isEqualTo(64);
      } else {
        assertThat(row.getInt(4)).isEqualTo(28);
      }
    }
    assertThat(Files.readString(output.resolve(TokenTable.MANIFEST_FILE))).isEqualTo(manifest.toJson() + "\n");
    assertThat(TableManifest.read(spark.sparkContext().hadoopConfiguration(), output.toString()).manifest())
        .contains(manifest);
    assertThat(tokens.schema().apply("tokens").metadata().getString(TokenTable.MANIFEST_KEY)).isEqualTo(manifest.toJson());
    assertThat(Files.readString(output.resolve(TokenTable.JOB_FILE))).contains("\"tokenized\": " + (SAMPLES + 1))
        .contains("\"complete\": true");
    try (Stream<Path> files = Files.list(output)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith(".")))
          .containsExactlyInAnyOrder("part-00000.parquet",
          "part-00001.parquet", "part-00002.parquet", "part-00003.parquet", "_rejects", "_tokenizer.json",
          "_job.json", "_run.json", OutputFolder.MARKER_FILE);
    }
  }

  @Test
  void duckDbReadsTheTableWithoutOurCode() throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      String files = "'" + output.resolve("*.parquet") + "'";
      try (ResultSet rs = statement.executeQuery("SELECT count(*), min(len(tokens)), max(len(tokens)), "
          + "min(list_min(tokens)), max(list_max(tokens)), count(DISTINCT id), bool_and(len(tokens) = grid_h * grid_w) "
          + "FROM read_parquet(" + files + ")")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(SAMPLES + 1);
        assertThat(rs.getLong(2)).isEqualTo(49);
        assertThat(rs.getLong(3)).isEqualTo(49);
        assertThat(rs.getInt(4)).isGreaterThanOrEqualTo(0);
        assertThat(rs.getInt(5)).isLessThan(1000);
        assertThat(rs.getLong(6)).isEqualTo(SAMPLES + 1);
        assertThat(rs.getBoolean(7)).isTrue();
      }
      try (ResultSet rs = statement.executeQuery("SELECT typeof(tokens) FROM read_parquet(" + files + ") LIMIT 1")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("INTEGER[]");
      }
      try (ResultSet rs = statement.executeQuery("SELECT decode(value) FROM parquet_kv_metadata(" + files + ") "
          + "WHERE decode(key) = 'org.apache.spark.sql.parquet.row.metadata' LIMIT 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).contains(TokenTable.MANIFEST_KEY).contains("8,5,5,5".replace(",", ",\\n    "));
      }
    }
  }

  @Test
  void tokensEqualADirectCallOfTheModel() throws Exception {
    Path png = input.resolve("fashion/ankle_boot/test-00000.png");
    ModelPackage model = ModelPackage.bundledDefault();
    Preprocessor preprocessor = new Preprocessor(1, 28, 28, manifest.resize(), manifest.pixelMin(), manifest.pixelMax());
    DecodedImage image = new ImageDecoder().decode(Files.readAllBytes(png), png.toString());
    float[] pixels = new float[preprocessor.valuesPerImage()];
    preprocessor.write(image, pixels, 0);
    int[] expected;
    try (TokenizerModel direct = TokenizerModel.load(model.materialize(work.resolve("direct-model")), Device.cpu());
        Predictor<PixelBatch, TokenBatch> predictor = direct.newPredictor()) {
      expected = predictor.predict(new PixelBatch(pixels, 1, 1, 28, 28)).image(0);
    }
    Row row = spark.read().parquet(output.toString()).where("id = 'fashion/ankle_boot/test-00000.png'").first();
    assertThat(row.<Integer>getList(1).stream().mapToInt(Integer::intValue).toArray()).containsExactly(expected);
  }

  @Test
  void jobSummaryTimesTheFirstEncodedImageFromTheCommandStart() throws Exception {
    JsonObject job = JsonParser.parseString(Files.readString(output.resolve(TokenTable.JOB_FILE))).getAsJsonObject();
    // No launcher here: the command's start is this JVM's start, and the first image was encoded during the run.
    double earliest = (runStartedMillis - LaunchTime.millis()) / 1e3;
    double latest = (runEndedMillis - LaunchTime.millis()) / 1e3;
    assertThat(job.get("first_image_seconds").getAsDouble()).isBetween(earliest, latest);
    assertThat(result.firstImageSeconds()).isBetween(earliest, latest);

    Path resumed = work.resolve("resumed");
    new TokenizeJob(spark, config(resumed, false), new PrintWriter(new StringWriter())).run();
    TokenizeResult nothingToDo = new TokenizeJob(spark, config(resumed, false), new PrintWriter(new StringWriter())).run();
    assertThat(nothingToDo.shardsSkipped()).isEqualTo(nothingToDo.shards());
    assertThat(nothingToDo.firstImageSeconds()).isNaN();
    assertThat(JsonParser.parseString(Files.readString(resumed.resolve(TokenTable.JOB_FILE))).getAsJsonObject()
        .has("first_image_seconds")).as("a run that encoded nothing has no first image").isFalse();
  }

  @Test
  void anOutputOfSomethingElseIsRefusedEvenWhenOverwriting() throws Exception {
    Path other = Files.createDirectories(work.resolve("other"));
    Files.writeString(other.resolve("keep.txt"), "not ours");
    for (boolean overwrite : new boolean[] {false, true}) {
      assertThatThrownBy(() -> new TokenizeJob(spark, config(other, overwrite), new PrintWriter(new StringWriter())).run())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not empty and was not made by fsq").hasMessageContaining("keep.txt");
      assertThat(Files.readString(other.resolve("keep.txt"))).isEqualTo("not ours");
    }
    assertThatThrownBy(() -> new TokenizeJob(spark, config(output, false).withBatchSize(16).withFilesPerShard(7),
        new PrintWriter(new StringWriter())).run())
        .hasMessageContaining("holds a tokenize run of other inputs or settings")
        .hasMessageContaining("files_per_shard was 40, now 7");
    Path copy = work.resolve("overwritten");
    new TokenizeJob(spark, config(copy, false).withFilesPerShard(7), new PrintWriter(new StringWriter())).run();
    assertThat(copy.resolve("part-00010.parquet")).exists();
    TokenizeResult again = new TokenizeJob(spark, config(copy, true), new PrintWriter(new StringWriter())).run();
    assertThat(again.tokenized()).isEqualTo(result.tokenized());
    assertThat(copy.resolve("part-00010.parquet")).as("a part of the earlier run, deleted by --overwrite").doesNotExist();
    assertThat(again.shardsSkipped()).isZero();
    assertThat(spark.read().parquet(copy.toString()).count()).isEqualTo(SAMPLES + 1);
  }

  @Test
  void missingOrEmptyInputsFailBeforeAnyWork() throws Exception {
    assertThatThrownBy(() -> new TokenizeJob(spark, configFor(work.resolve("nope"), work.resolve("o1")),
        new PrintWriter(new StringWriter())).run()).hasMessageContaining("does not exist");
    Path empty = Files.createDirectories(work.resolve("empty"));
    Files.writeString(empty.resolve("a.txt"), "x", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new TokenizeJob(spark, configFor(empty, work.resolve("o2")),
        new PrintWriter(new StringWriter())).run()).hasMessageContaining("No images");
    assertThat(work.resolve("o1")).doesNotExist();
    assertThat(work.resolve("o2")).doesNotExist();
  }

  @Test
  void statsHistogramEqualsANaiveCount() throws Exception {
    Path statsOut = work.resolve("stats");
    StringWriter console = new StringWriter();
    StatsJob.Result stats = new StatsJob(spark, StatsConfig.of(output.toString(), statsOut.toString()),
        new PrintWriter(console)).run();
    CodebookHistogram naive = new CodebookHistogram(1000);
    long tokenCount = 0;
    for (Row row : spark.read().parquet(output.toString()).collectAsList()) {
      for (int token : row.<Integer>getList(1)) {
        naive.add(token);
        tokenCount++;
      }
    }
    assertThat(stats.statistics().tokens()).isEqualTo(tokenCount);
    assertThat(stats.statistics().images()).isEqualTo(SAMPLES + 1);
    assertThat(stats.statistics().usedCodes()).isEqualTo(naive.usedCodes());
    assertThat(stats.statistics().entropyBits()).isEqualTo(naive.entropyBits());
    assertThat(stats.statistics().perplexity()).isEqualTo(naive.perplexity());
    assertThat(Files.readString(statsOut.resolve("stats.json"))).contains("\"usage\"", "\"entropy_bits\"",
        "\"perplexity\"", "\"dead_codes\"", "\"top_codes\"", "\"channels\"", "\"channel_redundancy_bits\"",
        "\"context\"", "\"unigram\"", "\"adaptive_image\"", "\"adaptive_stream\"", "\"zstd\"", "\"xz\"",
        "\"all_verified\": true");
    assertThat(stats.statistics().compression().verifiedTokens()).isEqualTo(tokenCount);
    assertThat(stats.statistics().bitsPerToken(org.fsqspark.stats.CostModel.FIXED)).isEqualTo(10.0);
    assertThat(console.toString()).contains("usage", "entropy", "perplexity", "compression cost", "context");
    String html = Files.readString(statsOut.resolve("report.html"));
    assertThat(html.split("data:image/png;base64,", -1)).hasSizeGreaterThanOrEqualTo(5);
    assertThat(html).doesNotContain("http://", "https://", "<script");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT count(*), sum(count), count(*) FILTER (WHERE count > 0) FROM '"
            + statsOut.resolve("histogram.parquet") + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1000);
      assertThat(rs.getLong(2)).isEqualTo(tokenCount);
      assertThat(rs.getLong(3)).isEqualTo(naive.usedCodes());
    }
  }

  @Test
  void compareReportsTwoTablesSideBySide() throws Exception {
    Path onlyFashion = work.resolve("fashion-only");
    new TokenizeJob(spark, TokenizeConfig.of(input.resolve("fashion").toString(), onlyFashion.toString(), "default"),
        new PrintWriter(new StringWriter())).run();
    Path statsOut = work.resolve("compare");
    StatsJob.Result result = new StatsJob(spark, new StatsConfig(output.toString(), onlyFashion.toString(),
        statsOut.toString(), null, true, 1.0), new PrintWriter(new StringWriter())).run();
    assertThat(result.compared().images()).isEqualTo(SAMPLES);
    assertThat(Files.readString(statsOut.resolve("stats.json"))).contains("\"a\": {", "\"b\": {");
    assertThat(statsOut.resolve("histogram-a.parquet")).exists();
    assertThat(Files.readString(statsOut.resolve("report.html"))).contains("<th>A</th>", "<th>B</th>");
  }

  private static TokenizeConfig config(Path out, boolean overwrite) {
    return configFor(input, out).withOverwrite(overwrite);
  }

  private static TokenizeConfig configFor(Path in, Path out) {
    return TokenizeConfig.of(in.toString(), out.toString(), "default").withBatchSize(16)
        .withDevice(DeviceRequest.parse("cpu", false)).withFilesPerShard(40);
  }
}

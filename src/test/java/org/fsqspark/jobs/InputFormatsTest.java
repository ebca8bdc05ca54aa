package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.fsqspark.io.InputFormat;
import org.fsqspark.io.TokenTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeResult;

/** Hugging Face style Parquet and WebDataset tars as inputs, with passthrough columns and bad records. */
class InputFormatsTest {
  @TempDir
  static Path work;

  private static SparkSession spark;
  private static List<byte[]> pngs;

  @BeforeAll
  static void samples() throws Exception {
    spark = SparkTestSupport.local();
    Path folder = work.resolve("pngs");
    TestImages.samples(folder, 24);
    try (Stream<Path> files = Files.walk(folder)) {
      List<Path> sorted = files.filter(Files::isRegularFile).sorted().toList();
      pngs = new ArrayList<>();
      for (Path file : sorted) {
        pngs.add(Files.readAllBytes(file));
      }
    }
  }

  @Test
  void huggingFaceParquetWithPassthroughAndIds() throws Exception {
    StructType image = new StructType(new StructField[] {
        DataTypes.createStructField("bytes", DataTypes.BinaryType, true),
        DataTypes.createStructField("path", DataTypes.StringType, true)});
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("key", DataTypes.StringType, false),
        DataTypes.createStructField("image", image, true),
        DataTypes.createStructField("label", DataTypes.LongType, true),
        DataTypes.createStructField("caption", DataTypes.StringType, true)});
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < pngs.size(); i++) {
      rows.add(RowFactory.create("k" + i, RowFactory.create(pngs.get(i), "img" + i + ".png"), (long) i % 10,
          "caption " + i));
    }
    rows.add(RowFactory.create("garbage", RowFactory.create("not an image".getBytes(StandardCharsets.UTF_8), "x.png"),
        1L, "bad bytes"));
    rows.add(RowFactory.create("missing", null, 2L, "no image"));
    Path input = work.resolve("hf");
    spark.createDataFrame(rows, schema).coalesce(2).write().parquet(input.toString());

    Path output = work.resolve("hf-tokens");
    TokenizeResult result = run(config(input, output).withFormat(null, List.of("label", "caption"), "key"));
    assertThat(result.tokenized()).isEqualTo(pngs.size());
    assertThat(result.rejected()).isEqualTo(2);
    Dataset<Row> table = spark.read().parquet(output.toString());
    assertThat(table.schema().apply("label").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(table.schema().apply("caption").dataType()).isEqualTo(DataTypes.StringType);
    Map<String, Row> byId = new HashMap<>();
    table.collectAsList().forEach(row -> byId.put(row.getString(0), row));
    assertThat(byId).hasSize(pngs.size()).containsKey("k7");
    assertThat(byId.get("k7").getLong(6)).isEqualTo(7);
    assertThat(byId.get("k7").getString(7)).isEqualTo("caption 7");
    List<Row> rejects = spark.read().parquet(output.resolve(TokenTable.REJECTS_DIR).toString()).collectAsList();
    assertThat(rejects).extracting(r -> r.getString(0)).containsExactlyInAnyOrder("garbage", "missing");
    assertThat(rejects).extracting(r -> r.getString(3)).anyMatch(e -> e.contains("image column 'image' is null"));

    Path withoutIds = work.resolve("hf-tokens-row-ids");
    run(config(input, withoutIds).withFormat(InputFormat.PARQUET, null, null));
    List<String> ids = spark.read().parquet(withoutIds.toString()).select("id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(ids).hasSize(pngs.size()).allMatch(id -> id.matches("part-.*\\.parquet#\\d+")).doesNotHaveDuplicates();
  }

  @Test
  void plainBinaryImageColumn() throws Exception {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("png", DataTypes.BinaryType, false)});
    List<Row> rows = new ArrayList<>();
    for (byte[] png : pngs) {
      rows.add(RowFactory.create((Object) png));
    }
    Path input = work.resolve("binary");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(input.toString());
    TokenizeConfig config = new TokenizeConfig(input.toString(), null, work.resolve("binary-tokens").toString(),
        "default", null, "png", null, 8, 1 << 26, org.fsqspark.model.DeviceRequest.parse("cpu", false), 1000, 0,
        false, 0, false);
    assertThat(run(config).tokenized()).isEqualTo(pngs.size());
    assertThatThrownBy(() -> run(config(input, work.resolve("wrong-column"))))
        .hasMessageContaining("has no image column 'image'").hasMessageContaining("--image-column");
    assertThatThrownBy(() -> run(config.withFormat(null, List.of("nope"), null)))
        .hasMessageContaining("--keep nope is not a column");
  }

  @Test
  void corruptParquetFilesBecomeRejectsAndTheRestIsTokenized() throws Exception {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("png", DataTypes.BinaryType, false)});
    List<Row> rows = new ArrayList<>();
    for (byte[] png : pngs) {
      rows.add(RowFactory.create((Object) png));
    }
    Path input = work.resolve("corrupt-parquet");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(input.toString());
    Path good;
    try (Stream<Path> files = Files.list(input)) {
      good = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] valid = Files.readAllBytes(good);
    // Sorted first, so the driver must look past it for the schema.
    Files.writeString(input.resolve("a-garbage.parquet"), "this is not a Parquet file");
    Files.write(input.resolve("b-truncated.parquet"), java.util.Arrays.copyOf(valid, valid.length / 2));

    Path output = work.resolve("corrupt-parquet-tokens");
    TokenizeResult result = run(new TokenizeConfig(input.toString(), null, output.toString(), "default", null, "png",
        null, 8, 1 << 26, org.fsqspark.model.DeviceRequest.parse("cpu", false), 0, 0, false, 0, false));
    assertThat(result.tokenized()).isEqualTo(pngs.size());
    assertThat(result.rejected()).isEqualTo(2);
    List<Row> rejects = spark.read().parquet(output.resolve(TokenTable.REJECTS_DIR).toString()).collectAsList();
    assertThat(rejects).extracting(r -> r.getString(0))
        .containsExactlyInAnyOrder("a-garbage.parquet#unreadable", "b-truncated.parquet#unreadable");
    assertThat(rejects).allSatisfy(r -> {
      assertThat(r.getString(2)).isEqualTo("read");
      assertThat(r.getString(3)).contains("cannot be read");
    });
  }

  @Test
  void webDatasetTarsWithPassthrough() throws Exception {
    Path input = Files.createDirectories(work.resolve("wds"));
    for (int shard = 0; shard < 2; shard++) {
      try (OutputStream file = Files.newOutputStream(input.resolve(String.format("shard-%03d.tar", shard)));
          TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
        for (int i = 0; i < 10; i++) {
          int n = shard * 10 + i;
          String key = String.format("sample%06d", n);
          add(tar, key + ".png", pngs.get(n));
          add(tar, key + ".cls", Integer.toString(n % 10).getBytes(StandardCharsets.UTF_8));
          add(tar, key + ".txt", ("caption " + n).getBytes(StandardCharsets.UTF_8));
          add(tar, key + ".json", ("{\"n\": " + n + "}").getBytes(StandardCharsets.UTF_8));
        }
        add(tar, "orphan.txt", "a caption without an image".getBytes(StandardCharsets.UTF_8));
      }
    }
    Path output = work.resolve("wds-tokens");
    TokenizeResult result = run(config(input, output));
    assertThat(result.shards()).isEqualTo(2);
    assertThat(result.tokenized()).isEqualTo(20);
    assertThat(result.rejected()).isEqualTo(2);
    Dataset<Row> table = spark.read().parquet(output.toString());
    assertThat(table.columns()).containsExactly("id", "tokens", "grid_h", "grid_w", "height", "width", "cls", "txt",
        "json");
    Row row = table.where("id = 'shard-001/sample000013'").first();
    assertThat(row.getLong(6)).isEqualTo(3);
    assertThat(row.getString(7)).isEqualTo("caption 13");
    assertThat(row.getString(8)).isEqualTo("{\"n\": 13}");
    List<Row> rejects = spark.read().parquet(output.resolve(TokenTable.REJECTS_DIR).toString()).collectAsList();
    assertThat(rejects).extracting(r -> r.getString(0)).containsExactlyInAnyOrder("shard-000/orphan", "shard-001/orphan");
    assertThat(rejects.get(0).getString(3)).contains("no image entry");
  }

  @Test
  void cosmosStyleTorchScriptEncoder() throws Exception {
    Path model = org.fsqspark.model.TorchScriptModelTest.copyOfFixture(work);
    Path input = Files.createDirectories(work.resolve("cosmos-input"));
    Files.copy(org.fsqspark.model.TorchScriptModelTest.FIXTURE.resolve("sample.png"), input.resolve("sample.png"));
    TestImages.colourJpeg(input.resolve("photo.jpg"), 100, 80);
    Path output = work.resolve("cosmos-tokens");
    TokenizeResult result = run(TokenizeConfig.of(input.toString(), output.toString(), model.toString()));
    assertThat(result.tokenized()).isEqualTo(2);
    Row row = spark.read().parquet(output.toString()).where("id = 'sample.png'").first();
    assertThat(row.getInt(2)).isEqualTo(8);
    assertThat(row.getInt(3)).isEqualTo(8);
    com.google.gson.JsonArray expected = com.google.gson.JsonParser.parseString(Files.readString(
        org.fsqspark.model.TorchScriptModelTest.FIXTURE.resolve("expected.json"))).getAsJsonObject()
        .getAsJsonArray("indices");
    List<Integer> tokens = row.getList(1);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(tokens.get(i)).isEqualTo(expected.get(i).getAsInt());
    }
  }

  @Test
  void mixedInputsNeedAFormat() throws Exception {
    Path mixed = Files.createDirectories(work.resolve("mixed"));
    Files.write(mixed.resolve("a.png"), pngs.get(0));
    Files.write(mixed.resolve("b.tar"), new byte[1024]);
    assertThatThrownBy(() -> run(config(mixed, work.resolve("mixed-out"))))
        .hasMessageContaining("holds 1 image files and 1 WebDataset .tar shards").hasMessageContaining("--format");
    TokenizeResult images = run(config(mixed, work.resolve("mixed-images")).withFormat(InputFormat.FOLDER, null, null));
    assertThat(images.tokenized()).isEqualTo(1);
  }

  private static void add(TarArchiveOutputStream tar, String name, byte[] bytes) throws Exception {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(bytes.length);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static TokenizeConfig config(Path input, Path output) {
    return TokenizeConfig.of(input.toString(), output.toString(), "default").withBatchSize(8)
        .withDevice(org.fsqspark.model.DeviceRequest.parse("cpu", false));
  }

  private static TokenizeResult run(TokenizeConfig config) {
    return new TokenizeJob(spark, config, new PrintWriter(new StringWriter())).run();
  }
}

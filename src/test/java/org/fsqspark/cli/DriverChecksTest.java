package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.jobs.SparkTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that used to crash a run (ClassCastException, OutOfMemoryError, a SparkContext shut down) are
 * refused on the driver before anything is written, with one line and exit code 2 (issue 10, item 8).
 */
class DriverChecksTest {
  @TempDir
  static Path work;

  private static Path intImages;
  private static Path listImages;
  private static Path doubleIds;
  private static Path laterFileDiffers;

  @BeforeAll
  static void inputs() throws Exception {
    SparkSession spark = SparkTestSupport.local();
    intImages = work.resolve("int-image");
    spark.sql("SELECT 1 AS image, 'a' AS name").write().parquet(intImages.toString());
    listImages = work.resolve("list-image");
    spark.sql("SELECT array(unhex('89504E470D0A1A0A')) AS image").write().parquet(listImages.toString());
    doubleIds = work.resolve("double-id");
    spark.sql("SELECT named_struct('bytes', unhex('89504E470D0A1A0A'), 'path', 'a.png') AS image,"
        + " CAST(1.5 AS DOUBLE) AS key").write().parquet(doubleIds.toString());
    // A good file first (the one the driver checks), then one whose image column is an integer.
    Path pngs = work.resolve("pngs");
    org.fsqspark.io.SampleImages.writePngs(pngs, 1);
    byte[] png;
    try (Stream<Path> files = Files.walk(pngs)) {
      png = Files.readAllBytes(files.filter(f -> f.toString().endsWith(".png")).findFirst().orElseThrow());
    }
    Path good = work.resolve("good-parquet");
    spark.sql("SELECT named_struct('bytes', unhex('" + HexFormat.of().formatHex(png) + "'), 'path', 'a.png') AS image")
        .coalesce(1).write().parquet(good.toString());
    laterFileDiffers = Files.createDirectories(work.resolve("later-file-differs"));
    Files.copy(onlyPart(good), laterFileDiffers.resolve("a.parquet"));
    Files.copy(onlyPart(intImages), laterFileDiffers.resolve("b.parquet"));
  }

  @Test
  void parquetImageAndIdColumnsOfTheWrongTypeAreRefusedBeforeAnythingIsWritten() {
    expectRefused("image column 'image' of type int32; tokenize reads struct<bytes: binary, path: string>"
        + " (Hugging Face) or binary", "tokenize", "--input", intImages.toString(), "--format", "parquet");
    expectRefused("image column 'image' of type list<binary>", "tokenize", "--input", listImages.toString(),
        "--format", "parquet");
    expectRefused("--id-column 'key' of type double; ids are read from string, int32 or int64 columns", "tokenize",
        "--input", doubleIds.toString(), "--format", "parquet", "--id-column", "key");
  }

  @Test
  void aLaterParquetFileWhoseImageColumnDiffersIsOneRejectNotATaskFailure() throws Exception {
    Path output = work.resolve("later-file-differs-tokens");
    CliRunner.Result result = CliRunner.run("tokenize", "--input", laterFileDiffers.toString(), "--output",
        output.toString(), "--master", "local[1]", "--progress-interval", "0");
    assertThat(result.exitCode()).as(result.err()).isZero();
    // The file whose image column differs is one reject row for the file, not an image.
    assertThat(result.out()).contains("tokenized 1 of 1 images (0 rejected)", "1 file(s) could not be read");
    Path rejects;
    try (Stream<Path> files = Files.list(output.resolve("_rejects"))) {
      rejects = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
        new org.apache.hadoop.fs.Path(rejects.toUri())).build()) {
      Group reject = reader.read();
      assertThat(reject.getString("id", 0)).isEqualTo("b.parquet#unreadable");
      assertThat(reject.getString("error", 0)).contains("b.parquet has image column 'image' of type int32");
      assertThat(reader.read()).isNull();
    }
  }

  @Test
  void levelsABoundCannotSeparateAreRefusedWithTheLimit() {
    expectError("has 2147483647 levels; fsq-spark quantizes at most 65536 levels per channel", "quantize",
        "--levels", "2147483647");
    expectError("has 2147483647 levels; fsq-spark quantizes at most 65536 levels per channel", "codebook",
        "--levels", "2147483647", "--bound", "symmetric");
    String tanhLimit = "the atanh bound (eps = 0.001) separates at most 1000 levels per channel";
    expectError("Channel 0 of levels 1024 has 1024 levels, but " + tanhLimit, "quantize", "--levels", "1024",
        "--bound", "atanh");
    expectError("Channel 1 of levels 8,1010 has 1010 levels, but " + tanhLimit, "codebook", "--levels", "8,1010");
    expectError("the paper bound (eps = 0.001) separates at most 1000 levels", "codebook", "--levels", "1001",
        "--bound", "paper");
  }

  @Test
  void inputSizesThatCannotFitInMemoryAreRefused() throws Exception {
    Path images = work.resolve("images");
    org.fsqspark.io.SampleImages.writePngs(images, 2);
    expectRefused("The input_size 100000x100000 (1 channel) of model fsq-conv-ae is 10000000000 values per image,"
        + " more than the 2147483639 a Java array holds", "tokenize", "--input", images.toString(), "--model",
        modelWithInputSize(100_000).toString());
    // 61 MiB per 4000x4000 image: a one-core CPU task holds 2 x 64 of them, more than the test JVM's heap.
    expectRefused("The input_size 4000x4000 (1 channel) of model fsq-conv-ae needs about 7.6 GiB of pixel buffers"
        + " per task at --batch-size 64 (the batch and its copy for the encoder, float32), more than the", "tokenize", "--input", images.toString(), "--model",
        modelWithInputSize(4000).toString());
  }

  private static Path onlyPart(Path sparkOutput) throws Exception {
    try (Stream<Path> files = Files.list(sparkOutput)) {
      return files.filter(f -> f.getFileName().toString().matches("part-.*\\.parquet")).findFirst().orElseThrow();
    }
  }

  /** The bundled model with another input_size in its manifest (weights unchanged, so their sha256 holds). */
  private static Path modelWithInputSize(int size) throws Exception {
    Path model = ModelPackage.bundledDefault().materialize(work.resolve("models-" + size)).directory();
    Path manifest = model.resolve(TokenizerManifest.FILE_NAME);
    JsonObject json = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    JsonArray inputSize = new JsonArray();
    inputSize.add(size);
    inputSize.add(size);
    json.add("input_size", inputSize);
    json.remove("grid");
    Files.writeString(manifest, json.toString());
    return model;
  }

  /** A tokenize that must fail before its --output exists. */
  private static void expectRefused(String message, String... args) {
    Path output = work.resolve("refused-" + Math.abs((long) String.join(" ", args).hashCode()));
    String[] withOutput = java.util.Arrays.copyOf(args, args.length + 6);
    System.arraycopy(new String[] {"--output", output.toString(), "--master", "local[1]", "--progress-interval", "0"},
        0, withOutput, args.length, 6);
    expectError(message, withOutput);
    assertThat(output).as("nothing written").doesNotExist();
  }

  private static void expectError(String message, String... args) {
    CliRunner.Result result = CliRunner.run(args);
    assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.err()).isEqualTo(2);
    String[] lines = result.err().strip().split("\n");
    assertThat(lines).as("one line: %s", result.err()).hasSize(1);
    assertThat(lines[0]).startsWith("fsq " + args[0] + ": error: ").contains(message).doesNotContain("'none'")
        .doesNotContain("Exception");
  }
}

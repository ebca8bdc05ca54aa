package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.fsqspark.io.TokenTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.DecodeConfig;
import org.fsqspark.pipeline.DecodeResult;

/** decode(tokenize(x)) with the bundled default model, on the 500 bundled Fashion-MNIST test images. */
class DecodeJobTest {
  /** The README states 23.07 dB for the default model on these images. */
  private static final double README_PSNR = 23.07;

  @TempDir
  static Path work;

  private static SparkSession spark;
  private static Path images;
  private static Path tokens;

  @BeforeAll
  static void tokenize() throws Exception {
    spark = SparkTestSupport.local();
    images = work.resolve("images");
    TestImages.samples(images, 500);
    tokens = work.resolve("tokens");
    new TokenizeJob(spark, TokenizeConfig.of(images.toString(), tokens.toString(), "default"),
        new PrintWriter(new StringWriter())).run();
  }

  @Test
  void reconstructionsReachTheReadmePsnr() throws Exception {
    Path output = work.resolve("decoded");
    DecodeResult result = new DecodeJob(spark, new DecodeConfig(tokens.toString(), "default", output.toString(), "png",
        images.toString(), 64, false), new PrintWriter(new StringWriter())).run();
    assertThat(result.images()).isEqualTo(500);
    assertThat(result.compared()).isEqualTo(500);
    assertThat(result.meanPsnr()).isBetween(README_PSNR - 0.05, README_PSNR + 0.05);
    assertThat(output.resolve("images/ankle_boot/test-00000.png")).exists();
    assertThat(output.resolve("grid.png")).exists();
    assertThat(Files.readString(output.resolve("decode.json"))).contains("\"mean_psnr_db\"");
    assertThat(spark.read().parquet(output.resolve("psnr").toString()).count()).isEqualTo(500);
  }

  @Test
  void parquetOutputAndModelChecks() throws Exception {
    Path output = work.resolve("decoded-parquet");
    new DecodeJob(spark, new DecodeConfig(tokens.toString(), "default", output.toString(), "parquet", null, 64, false),
        new PrintWriter(new StringWriter())).run();
    Dataset<Row> table = spark.read().parquet(output.resolve("images").toString());
    assertThat(table.count()).isEqualTo(500);
    byte[] png = (byte[]) table.first().get(1);
    assertThat(png[1]).isEqualTo((byte) 'P');

    Path other = org.fsqspark.model.TorchScriptModelTest.copyOfFixture(work);
    assertThatThrownBy(() -> new DecodeJob(spark, new DecodeConfig(tokens.toString(), other.toString(),
        work.resolve("wrong-model").toString(), "png", null, 64, false), new PrintWriter(new StringWriter())).run())
        .hasMessageContaining("was tokenized by fsq-conv-ae");
    assertThatThrownBy(() -> new DecodeJob(spark, new DecodeConfig(tokens.toString(), "default", output.toString(),
        "png", null, 64, false), new PrintWriter(new StringWriter())).run())
        .hasMessageContaining("holds a decode run of other inputs or settings (format was parquet, now png)")
        .hasMessageContaining("--overwrite");
  }

  @Test
  void idsCannotWriteOutsideTheOutput() throws Exception {
    Path hostile = work.resolve("hostile-tokens");
    spark.read().parquet(tokens.toString()).limit(3)
        .withColumn("id", functions.concat(functions.lit("../../../escaped-"), functions.col("id")))
        .write().parquet(hostile.toString());
    Files.copy(tokens.resolve(TokenTable.MANIFEST_FILE), hostile.resolve(TokenTable.MANIFEST_FILE));
    Path output = work.resolve("nested/decoded-hostile");
    new DecodeJob(spark, new DecodeConfig(hostile.toString(), "default", output.toString(), "png", null, 64, false),
        new PrintWriter(new StringWriter())).run();
    try (Stream<Path> files = Files.walk(work)) {
      assertThat(files.filter(Files::isRegularFile).map(Path::toString)
          .filter(p -> p.contains("escaped-") && p.endsWith(".png")))
          .hasSize(3).allMatch(p -> p.startsWith(output.resolve("images").toString()));
    }
  }
}

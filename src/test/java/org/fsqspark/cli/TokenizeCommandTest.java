package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fsqspark.io.SampleImages;
import org.fsqspark.jobs.SparkTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenize and stats commands as a user runs them: messages and exit codes. */
class TokenizeCommandTest {
  @TempDir
  Path work;

  @Test
  void tokenizeThenStatsPrintTheirResults() throws Exception {
    SparkTestSupport.stopActive();
    Path images = work.resolve("images");
    SampleImages.writePngs(images, 30);
    CliRunner.Result tokenize = CliRunner.run("tokenize", "--master", "local[2]", "--input", images.toString(),
        "--output", work.resolve("tokens").toString(), "--progress-interval", "1");
    assertThat(tokenize.exitCode()).as(tokenize.err()).isZero();
    assertThat(tokenize.out()).contains("tokenized 30 of 30 images (0 rejected)", "executor JVM(s)");
    assertThat(tokenize.err()).contains("tokenize: 30 image files in 1 shard(s) under", "tokenize: done, 30 tokenized, 0 rejected");

    CliRunner.Result stats = CliRunner.run("stats", "--master", "local[2]", "--input",
        work.resolve("tokens").toString(), "--output", work.resolve("stats").toString());
    assertThat(stats.exitCode()).as(stats.err()).isZero();
    assertThat(stats.out()).contains("images           30", "tokens           1470", "usage", "perplexity");

    CliRunner.Result compare = CliRunner.run("stats", "--master", "local[2]", "--compare",
        work.resolve("tokens").toString(), work.resolve("tokens").toString(), "--output",
        work.resolve("compare").toString(), "--no-compression");
    assertThat(compare.exitCode()).as(compare.err()).isZero();
    assertThat(compare.out()).contains("== A", "== B", "report: ");
    assertThat(work.resolve("compare/report.html")).exists();
  }

  @Test
  void aRunWhereEverythingIsRejectedExitsNonZero() throws Exception {
    Path bad = Files.createDirectories(work.resolve("bad"));
    Files.write(bad.resolve("a.png"), new byte[] {1, 2, 3});
    Files.write(bad.resolve("b.jpg"), new byte[0]);
    CliRunner.Result result = CliRunner.run("tokenize", "--master", "local[1]", "--input", bad.toString(),
        "--output", work.resolve("out").toString(), "--progress-interval", "0");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).contains("all 2 inputs were rejected", "_rejects");
    assertThat(work.resolve("out/_rejects")).isDirectory();
  }

  @Test
  void badArgumentsGetOneLineErrors() throws Exception {
    CliRunner.Result missing = CliRunner.run("tokenize", "--master", "local[1]", "--input",
        work.resolve("missing").toString(), "--output", work.resolve("o").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err().strip()).startsWith("fsq tokenize: error: Input").contains("does not exist")
        .doesNotContain("at org.");
    Path images = work.resolve("few");
    SampleImages.writePngs(images, 3);
    if (ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0) {
      CliRunner.Result gpu = CliRunner.run("tokenize", "--master", "local[1]", "--input", images.toString(),
          "--output", work.resolve("gpu-out").toString(), "--device", "gpu");
      assertThat(gpu.exitCode()).isEqualTo(1);
      assertThat(gpu.err()).contains("GPU 0 was requested", "PYTORCH_LIBRARY_PATH", "--allow-cpu-fallback");
      assertThat(work.resolve("gpu-out")).doesNotExist();
    }
    CliRunner.Result badConf = CliRunner.run("stats", "--input", "x", "--output", "y", "--conf", "novalue");
    assertThat(badConf.err()).contains("--conf 'novalue' is not KEY=VALUE");
    CliRunner.Result noRequired = CliRunner.run("tokenize");
    assertThat(noRequired.exitCode()).isEqualTo(2);
    assertThat(noRequired.err()).contains("Missing required options");

    Path notTokens = work.resolve("not-tokens");
    org.apache.spark.sql.SparkSession spark = SparkTestSupport.local();
    spark.range(3).write().parquet(notTokens.toString());
    CliRunner.Result wrongTable = CliRunner.run("stats", "--master", "local[1]", "--input", notTokens.toString(),
        "--output", work.resolve("s").toString());
    assertThat(wrongTable.exitCode()).isEqualTo(2);
    assertThat(wrongTable.err()).contains("is not a token table: column 'id' is bigint, expected string");
  }
}

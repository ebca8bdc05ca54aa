package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.io.SampleImages;
import org.fsqspark.io.TokenTable;
import org.fsqspark.jobs.SparkTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mistake a user can make in the command line or in the files it names: a non-zero exit and one line
 * that names the problem and the fix, with no stack trace, before any tokenizing work starts.
 */
class BadConfigurationTest {
  @TempDir
  static Path work;

  private static Path images;
  private static Path tokens;

  @BeforeAll
  static void inputs() throws Exception {
    images = work.resolve("images");
    SampleImages.writePngs(images, 12);
    tokens = work.resolve("tokens");
    CliRunner.Result made = CliRunner.run("tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
        tokens.toString(), "--progress-interval", "0");
    assertThat(made.exitCode()).as(made.err()).isZero();
  }

  @Test
  void inputsAndOutputs() throws Exception {
    expectError(2, "does not exist", "tokenize", "--input", work.resolve("missing").toString(), "--output",
        work.resolve("o1").toString());
    Path empty = Files.createDirectories(work.resolve("empty"));
    expectError(2, "No images", "tokenize", "--input", empty.toString(), "--output", work.resolve("o2").toString());
    Path occupied = Files.createDirectories(work.resolve("occupied"));
    Files.writeString(occupied.resolve("notes.txt"), "mine");
    expectError(2, "--overwrite", "tokenize", "--input", images.toString(), "--output", occupied.toString());
    expectError(2, "Unknown --format 'zip'", "tokenize", "--input", images.toString(), "--output", work.resolve("o3").toString(),
        "--format", "zip");
    expectError(2, "--keep needs Parquet or WebDataset input", "tokenize", "--input", images.toString(), "--output",
        work.resolve("o4").toString(), "--keep", "label");
    assertThat(work.resolve("o1")).doesNotExist();
    assertThat(work.resolve("o4")).doesNotExist();
  }

  @Test
  void levelsAndModels() throws Exception {
    expectError(2, "Invalid level 0 for channel 1", "quantize", "--levels", "8,0,5");
    expectError(2, "Unknown bound 'tanh'", "codebook", "--levels", "8,5", "--bound", "tanh");
    expectError(2, "disagrees with the levels 8,5,5,5", "stats", "--master", "local[1]", "--input", tokens.toString(), "--output",
        work.resolve("s1").toString(), "--levels", "8,5,5");
    Path model = ModelPackage.bundledDefault().materialize(work.resolve("models")).directory();
    Files.write(model.resolve("encoder-0000.params"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    expectError(2, "do not belong together", "tokenize", "--input", images.toString(), "--output",
        work.resolve("o5").toString(), "--model", model.toString());
    expectError(2, "no tokenizer.json", "tokenize", "--input", images.toString(), "--output",
        work.resolve("o6").toString(), "--model", images.toString());
    expectError(2, "was tokenized by", "decode", "--input", tokens.toString(), "--output",
        work.resolve("d1").toString(), "--model", org.fsqspark.model.TorchScriptModelTest
            .copyOfFixture(work.resolve("torchscript")).toString());
    assertThat(work.resolve("o5")).doesNotExist();
  }

  @Test
  void damagedTokenTables() throws Exception {
    SparkSession spark = SparkTestSupport.local();
    Path outOfRange = work.resolve("out-of-range");
    spark.read().parquet(tokens.toString())
        .withColumn("tokens", functions.array_repeat(functions.lit(5000), 49))
        .write().parquet(outOfRange.toString());
    Files.copy(tokens.resolve(TokenTable.MANIFEST_FILE), outOfRange.resolve(TokenTable.MANIFEST_FILE));
    Path wrongShape = work.resolve("wrong-shape");
    spark.read().parquet(tokens.toString()).withColumn("grid_h", functions.lit(3))
        .write().parquet(wrongShape.toString());
    Files.copy(tokens.resolve(TokenTable.MANIFEST_FILE), wrongShape.resolve(TokenTable.MANIFEST_FILE));
    // The commands below stop the shared session when they finish, so every table is made first.
    expectError(2, "Token 5000 is outside the codebook 0..999", "stats", "--master", "local[1]", "--input",
        outOfRange.toString(), "--output", work.resolve("s2").toString());
    expectError(2, "49 tokens for a 3x7 grid", "stats", "--master", "local[1]", "--input", wrongShape.toString(),
        "--output", work.resolve("s3").toString());
  }

  private static void expectError(int exitCode, String message, String... args) {
    CliRunner.Result result = CliRunner.run(args);
    assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.err()).isEqualTo(exitCode);
    String[] lines = result.err().strip().split("\n");
    assertThat(lines).as("one line: %s", result.err()).hasSize(1);
    assertThat(lines[0]).startsWith("fsq " + args[0] + ": error: ").contains(message).doesNotContain("Exception");
  }
}

package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.io.TokenTable;
import org.fsqspark.shard.ShardedOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeResult;

/**
 * A tokenize process killed with SIGKILL part-way, then the same command again: the re-run skips the shards
 * the first one committed, finishes the rest, and the table has exactly one row per input. While the run is
 * dead, the table holds only whole shards.
 */
class ResumeAfterKillTest {
  private static final int IMAGES = 400;
  private static final int FILES_PER_SHARD = 10;

  @TempDir
  Path work;

  @Test
  void reRunAfterSigkillFinishesWithoutDuplicatesOrGaps() throws Exception {
    Path input = work.resolve("images");
    TestImages.samples(input, IMAGES);
    Path output = work.resolve("tokens");

    Process first = new ProcessBuilder(command(input, output)).redirectErrorStream(true)
        .redirectOutput(work.resolve("first.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (committed(output) < 5 && first.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    int committedBeforeKill = committed(output);
    assertThat(committedBeforeKill).as(Files.readString(work.resolve("first.log")))
        .isGreaterThanOrEqualTo(5).isLessThan(IMAGES / FILES_PER_SHARD);
    assertThat(output.resolve(TokenTable.JOB_FILE)).as("an interrupted run is not marked complete").doesNotExist();

    SparkSession spark = SparkTestSupport.local();
    assertThat(spark.read().parquet(output.toString()).count()).as("only whole shards are visible")
        .isEqualTo((long) committedBeforeKill * FILES_PER_SHARD);

    TokenizeConfig again = TokenizeConfig.of(input.toString(), output.toString(), "default").withBatchSize(4)
        .withFilesPerShard(FILES_PER_SHARD);
    TokenizeResult result = new TokenizeJob(spark, again, new PrintWriter(new StringWriter())).run();
    assertThat(result.shardsSkipped()).isGreaterThanOrEqualTo(committedBeforeKill);
    assertThat(result.tokenized()).isEqualTo(IMAGES);
    List<String> ids = spark.read().parquet(output.toString()).select("id").as(Encoders.STRING()).collectAsList();
    assertThat(ids).hasSize(IMAGES).doesNotHaveDuplicates();
    assertThat(output.resolve(TokenTable.JOB_FILE)).exists();
    assertThat(output.resolve(ShardedOutput.TEMPORARY_DIR)).doesNotExist();
  }

  private static int committed(Path output) throws Exception {
    if (!Files.isDirectory(output)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(output)) {
      return (int) files.filter(p -> p.getFileName().toString().matches("part-\\d+\\.parquet")).count();
    }
  }

  private static List<String> command(Path input, Path output) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("fsq.test.module.flags", "").trim().split("\\s+")));
    command.addAll(List.of("-Xmx1g", "-Dai.djl.offline=true", "-cp",
        SparkTestSupport.executorClasspath() + File.pathSeparator, "org.fsqspark.cli.Main", "tokenize",
        "--master", "local[1]", "--input", input.toString(), "--output", output.toString(),
        "--files-per-shard", Integer.toString(FILES_PER_SHARD), "--batch-size", "4", "--progress-interval", "0"));
    command.removeIf(String::isEmpty);
    return command;
  }
}

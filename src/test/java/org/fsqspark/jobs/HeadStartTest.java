package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.io.SampleImages;
import org.fsqspark.pipeline.HeadStart;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizePrelude;
import org.fsqspark.pipeline.TokenizeResult;
import org.fsqspark.pipeline.TokenizeWork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokenize's head start in local mode: shards the driver tokenized before the job are left by the job's tasks,
 * every shard is committed and counted once, and the table equals one made without a head start.
 */
class HeadStartTest {
  private static final Map<String, String> LOCAL = Map.of("spark.master", "local[2]");

  @TempDir
  Path work;

  @Test
  void theTasksLeaveTheDriversShardsAndTheTableIsTheSame() throws Exception {
    Path images = work.resolve("images");
    SampleImages.writePngs(images, 60);
    SparkSession spark = SparkTestSupport.local();
    TokenizeConfig reference = TokenizeConfig.of(images.toString(), work.resolve("reference").toString(), "default")
        .withFilesPerShard(10);
    assertThat(new TokenizeJob(spark, reference, new PrintWriter(new StringWriter())).run().shardsOnDriver()).isZero();

    TokenizeConfig config = TokenizeConfig.of(images.toString(), work.resolve("out").toString(), "default")
        .withFilesPerShard(10);
    TokenizePrelude prelude = TokenizePrelude.start(config, LOCAL);
    StringWriter console = new StringWriter();
    HeadStart head = prelude.beginHeadStart(config, new PrintWriter(console)).orElseThrow();
    // Let the driver commit two shards before the job's tasks come, as it does while Spark starts.
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (head.count(TokenizeWork.IMAGES) < 20 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    TokenizeResult result = new TokenizeJob(spark, config, new PrintWriter(console), prelude)
        .run();

    assertThat(result.shardsOnDriver()).isBetween(2, 6);
    assertThat(result.tokenized()).isEqualTo(60);
    assertThat(result.shards()).isEqualTo(6);
    // Images tokenized in this run, counted by the driver and the tasks: a shard done twice would show here.
    assertThat(console.toString()).contains("tokenize: done, 60 tokenized, 0 rejected");
    try (var parts = Files.list(work.resolve("out"))) {
      assertThat(parts.filter(p -> p.getFileName().toString().matches("part-\\d{5}\\.parquet"))).hasSize(6);
    }
    Dataset<Row> made = spark.read().parquet(work.resolve("out").toString()).select("id", "tokens");
    Dataset<Row> expected = spark.read().parquet(work.resolve("reference").toString()).select("id", "tokens");
    assertThat(made.count()).isEqualTo(60);
    assertThat(made.select("id").distinct().count()).isEqualTo(60);
    assertThat(made.except(expected).count()).isZero();
    assertThat(expected.except(made).count()).isZero();
    assertThat(Files.readString(work.resolve("out/_job.json"))).contains("\"shards_on_driver_this_run\": "
        + result.shardsOnDriver());
  }

  @Test
  void noHeadStartWhereTheExecutorsAreElsewhereOrTheOutputIsRemote() throws Exception {
    Path images = work.resolve("images");
    SampleImages.writePngs(images, 3);
    TokenizeConfig config = TokenizeConfig.of(images.toString(), work.resolve("out").toString(), "default");
    PrintWriter quiet = new PrintWriter(new StringWriter());
    assertThat(TokenizePrelude.start(config, Map.of("spark.master", "spark://127.0.0.1:1"))
        .beginHeadStart(config, quiet)).isEmpty();
    TokenizeConfig remote = TokenizeConfig.of(images.toString(), "s3a://bucket/tokens", "default");
    assertThat(TokenizePrelude.start(remote, LOCAL).beginHeadStart(remote, quiet)).isEmpty();
    assertThat(Files.exists(work.resolve("out"))).as("nothing prepared").isFalse();
  }
}

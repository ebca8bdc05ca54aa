package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.io.S3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeResult;

/**
 * The S3 server goes down in the middle of a tokenize run writing to it and stays down longer than the retry
 * budget: the job fails, cleanly, leaving no table that looks complete; once the server is back, the same
 * command finishes the missing shards and the table is exact.
 */
class S3OutageTest {
  private static final int IMAGES = 240;

  @TempDir
  Path work;

  @Test
  void anOutageFailsTheRunCleanlyAndARerunCompletesIt() throws Exception {
    Path local = work.resolve("images");
    TestImages.samples(local, IMAGES);
    try (S3Server s3 = S3Server.start(work.resolve("s3-data"))) {
      s3.createBucket("outage");
      try (Stream<Path> files = Files.walk(local)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          s3.put("outage", "images/" + local.relativize(file), Files.readAllBytes(file));
        }
      }
      SparkSession spark = SparkTestSupport.local();
      s3.configure(spark.sparkContext().hadoopConfiguration());
      TokenizeConfig config = TokenizeConfig.of("s3a://outage/images", "s3a://outage/tokens", "default")
          .withFilesPerShard(8).withBatchSize(4);
      CompletableFuture<TokenizeResult> first = CompletableFuture.supplyAsync(
          () -> new TokenizeJob(spark, config, new PrintWriter(new StringWriter())).run());
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (committed(s3) < 3 && !first.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(first.isDone()).as("the run must still be going when the server goes down").isFalse();
      s3.stop();
      Throwable failure = null;
      try {
        first.get(3, TimeUnit.MINUTES);
      } catch (ExecutionException e) {
        failure = e.getCause();
      }
      s3.restart();
      assertThat(failure).as("a run that lost its storage for longer than the retry budget fails").isNotNull();
      assertThat(exists(s3, "tokens/_job.json")).as("a failed run is never marked complete").isFalse();
      // The failed job's other tasks are cancelled, not stopped: one may still finish its shard and commit it. Count
      // the committed parts once none is running, or the rerun skips one more than counted.
      long quiet = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (runningTasks(spark) > 0 && System.nanoTime() < quiet) {
        Thread.sleep(50);
      }
      assertThat(runningTasks(spark)).as("the failed run's tasks end").isZero();
      int committedBeforeRerun = committed(s3);

      TokenizeResult second = new TokenizeJob(spark, config, new PrintWriter(new StringWriter())).run();
      assertThat(second.shardsSkipped()).isEqualTo(committedBeforeRerun);
      assertThat(second.tokenized()).isEqualTo(IMAGES);
      String listing = s3.client().listObjectsV2(b -> b.bucket("outage").prefix("tokens/")).contents().stream()
          .map(o -> o.key() + " " + o.size()).reduce("", (a, b) -> a + "\n" + b);
      // The table's token files, as readers glob them (tokens/part-*.parquet). The test server's filesystem store
      // writes each upload to "<key>-<uuid>" and then renames it, so stopping it mid-upload can leave such an
      // object behind; S3 itself never shows a half-done PUT.
      String[] parts = s3.client().listObjectsV2(b -> b.bucket("outage").prefix("tokens/part-")).contents().stream()
          .map(o -> o.key()).filter(key -> key.endsWith(".parquet")).map(key -> "s3a://outage/" + key)
          .toArray(String[]::new);
      List<String> ids = spark.read().parquet(parts).select("id").as(Encoders.STRING()).collectAsList();
      assertThat(ids).as(listing).doesNotHaveDuplicates().hasSize(IMAGES);
      assertThat(exists(s3, "tokens/_job.json")).isTrue();
    }
  }

  private static int runningTasks(SparkSession spark) {
    int running = 0;
    for (org.apache.spark.SparkExecutorInfo executor : spark.sparkContext().statusTracker().getExecutorInfos()) {
      running += executor.numRunningTasks();
    }
    return running;
  }

  private static int committed(S3Server s3) {
    try {
      return (int) s3.client().listObjectsV2(b -> b.bucket("outage").prefix("tokens/part-")).contents().stream()
          .filter(o -> o.key().endsWith(".parquet")).count();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static boolean exists(S3Server s3, String key) {
    try {
      s3.client().headObject(b -> b.bucket("outage").key(key));
      return true;
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      return false;
    }
  }
}

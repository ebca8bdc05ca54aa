package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.io.S3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.StatsConfig;
import org.fsqspark.pipeline.TokenizeResult;

/** Images read from and token tables written to a real S3 API server on loopback, through s3a://. */
class S3RoundTripTest {
  @TempDir
  Path work;

  @Test
  void tokenizeAndStatsOverS3a() throws Exception {
    Path local = work.resolve("images");
    TestImages.samples(local, 40);
    try (S3Server s3 = S3Server.start(work.resolve("s3-data"))) {
      s3.createBucket("datasets");
      try (Stream<Path> files = Files.walk(local)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          s3.put("datasets", "fashion/" + local.relativize(file), Files.readAllBytes(file));
        }
      }
      SparkSession spark = SparkTestSupport.local();
      s3.configure(spark.sparkContext().hadoopConfiguration());

      TokenizeConfig config = TokenizeConfig.of("s3a://datasets/fashion", "s3a://datasets/tokens", "default")
          .withFilesPerShard(15);
      StringWriter console = new StringWriter();
      TokenizeResult result = new TokenizeJob(spark, config, new PrintWriter(console)).run();
      assertThat(result.tokenized()).isEqualTo(40);
      assertThat(result.shards()).isEqualTo(3);

      List<String> ids = spark.read().parquet("s3a://datasets/tokens").select("id").as(Encoders.STRING())
          .collectAsList();
      assertThat(ids).hasSize(40).doesNotHaveDuplicates().contains("ankle_boot/test-00000.png");

      TokenizeResult again = new TokenizeJob(spark, config, new PrintWriter(new StringWriter())).run();
      assertThat(again.shardsSkipped()).as("a re-run of a finished table redoes nothing").isEqualTo(3);
      assertThat(again.tokenized()).isEqualTo(40);

      StatsJob.Result stats = new StatsJob(spark, StatsConfig.of("s3a://datasets/tokens", "s3a://datasets/stats"),
          new PrintWriter(new StringWriter())).run();
      assertThat(stats.statistics().images()).isEqualTo(40);
      assertThat(s3.client().headObject(b -> b.bucket("datasets").key("stats/stats.json")).contentLength()).isPositive();
      assertThat(console.toString()).doesNotContain(S3Server.SECRET_KEY);

      // A model on shared storage: executors fetch it themselves instead of receiving it in a broadcast.
      org.fsqspark.io.ModelFolder model = org.fsqspark.io.ModelPackage.bundledDefault()
          .materialize(work.resolve("model"));
      for (String file : List.of("tokenizer.json", model.manifest().weights())) {
        s3.put("datasets", "models/default/" + file, Files.readAllBytes(model.directory().resolve(file)));
      }
      TokenizeConfig shared = TokenizeConfig.of("s3a://datasets/fashion", "s3a://datasets/tokens-shared-model",
          "s3a://datasets/models/default").withFilesPerShard(15);
      assertThat(new TokenizeJob(spark, shared, new PrintWriter(new StringWriter())).run().tokenized()).isEqualTo(40);
      List<org.apache.spark.sql.Row> viaBroadcast = spark.read().parquet("s3a://datasets/tokens")
          .select("id", "tokens").orderBy("id").collectAsList();
      List<org.apache.spark.sql.Row> viaSharedStorage = spark.read().parquet("s3a://datasets/tokens-shared-model")
          .select("id", "tokens").orderBy("id").collectAsList();
      assertThat(viaSharedStorage).isEqualTo(viaBroadcast);
    }
  }
}

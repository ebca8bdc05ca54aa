package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.model.JvmModelCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeResult;

/**
 * Tokenize on {@code local-cluster[2,1,1024]}: a master, a worker and two executor JVMs separate from this
 * one, as on a real cluster. Shows the model travels to them (broadcast, not addFile) and is loaded once per
 * executor JVM while many more tasks run.
 */
class SeparateExecutorJvmsTest {
  @TempDir
  static Path work;

  private static SparkSession spark;

  @BeforeAll
  static void startCluster() {
    SparkTestSupport.stopActive();
    Path sparkHome = SparkTestSupport.sparkHome();
    spark = SparkSessions.start("fsq-local-cluster-test", Map.of(
        "spark.master", "local-cluster[2,1,1024]",
        "spark.home", sparkHome.toString(),
        "spark.executor.extraClassPath", SparkTestSupport.executorClasspath(),
        "spark.executor.extraJavaOptions", "-Dai.djl.offline=true",
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.ui.enabled", "false"));
  }

  @AfterAll
  static void stopCluster() {
    SparkTestSupport.stopActive();
  }

  @Test
  void modelIsLoadedOncePerExecutorJvmNotPerTask() throws Exception {
    Path input = work.resolve("images");
    TestImages.samples(input, 200);
    int driverLoadsBefore = JvmModelCache.loadsInThisJvm();
    TokenizeConfig config = TokenizeConfig.of(input.toString(), work.resolve("tokens").toString(), "default")
        .withBatchSize(8).withFilesPerShard(17);
    TokenizeResult result = new TokenizeJob(spark, config, new PrintWriter(new StringWriter())).run();

    assertThat(result.tokenized()).isEqualTo(200);
    assertThat(result.shards()).isEqualTo(12);
    assertThat(result.tasks()).as("tasks that ran").isGreaterThanOrEqualTo(12);
    assertThat(result.executorJvms()).as("distinct executor JVMs").isEqualTo(2);
    assertThat(result.modelLoads()).as("model loads across the cluster").isEqualTo(result.executorJvms());
    assertThat(JvmModelCache.loadsInThisJvm())
        .as("the driver keeps no model (its check before the job loads one and closes it)")
        .isEqualTo(driverLoadsBefore);
    assertThat(spark.read().parquet(work.resolve("tokens").toString()).select("id").distinct().count()).isEqualTo(200);
  }
}

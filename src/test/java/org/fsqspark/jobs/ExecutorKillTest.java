package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeResult;

/**
 * An executor JVM killed with SIGKILL while tokenize runs on a standalone cluster: Spark reruns its tasks
 * elsewhere, and the table still has exactly one row per input, none missing, none twice.
 */
class ExecutorKillTest {
  private static final int IMAGES = 300;

  @TempDir
  Path work;

  @Test
  void jobSurvivesAKilledExecutorWithoutLosingOrDuplicatingRows() throws Exception {
    Path input = work.resolve("images");
    TestImages.samples(input, IMAGES);
    Path output = work.resolve("tokens");
    SparkTestSupport.stopActive();
    try (StandaloneCluster cluster = StandaloneCluster.start(work, 2, "3g", Map.of())) {
      Map<String, String> conf = new HashMap<>();
      conf.put("spark.master", cluster.masterUrl());
      conf.put("spark.driver.host", "127.0.0.1");
      conf.put("spark.driver.bindAddress", "127.0.0.1");
      conf.put("spark.ui.enabled", "false");
      conf.put("spark.executor.cores", "1");
      conf.put("spark.executor.memory", "1g");
      conf.put("spark.executor.extraClassPath", SparkTestSupport.executorClasspath());
      conf.put("spark.executor.extraJavaOptions", "-Dai.djl.offline=true");
      SparkSession spark = SparkSessions.start("fsq-executor-kill-test", conf);
      try {
        TokenizeConfig config = TokenizeConfig.of(input.toString(), output.toString(), "default").withBatchSize(2)
            .withFilesPerShard(6);
        // Kill only once both executors have finished tasks: killing one that never ran a task would prove
        // nothing, and on a loaded machine the second executor may register late.
        Set<String> executorsWithTasks = ConcurrentHashMap.newKeySet();
        spark.sparkContext().addSparkListener(new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
            if (taskEnd.taskInfo().successful()) {
              executorsWithTasks.add(taskEnd.taskInfo().executorId());
            }
          }
        });
        CompletableFuture<TokenizeResult> run = CompletableFuture.supplyAsync(
            () -> new TokenizeJob(spark, config, new PrintWriter(new StringWriter())).run());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while ((committed(output) < 3 || executorsWithTasks.size() < 2) && !run.isDone()
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        Optional<ProcessHandle> executor = cluster.executors().stream().findFirst();
        assertThat(executor).as("a running executor JVM to kill among %s", cluster.describe()).isPresent();
        assertThat(run.isDone()).as("the job must still be running when the executor is killed").isFalse();
        assertThat(executorsWithTasks).as("executors that finished tasks before the kill").hasSize(2);
        executor.get().destroyForcibly();

        TokenizeResult result = run.get(5, TimeUnit.MINUTES);
        assertThat(result.tokenized()).isEqualTo(IMAGES);
        List<String> ids = spark.read().parquet(output.toString()).select("id").as(Encoders.STRING()).collectAsList();
        assertThat(ids).hasSize(IMAGES).doesNotHaveDuplicates();
        assertThat(result.executorJvms()).as("the killed executor and its replacement or peer").isGreaterThanOrEqualTo(2);
      } finally {
        SparkTestSupport.stopActive();
      }
    }
  }

  private static int committed(Path output) throws Exception {
    if (!Files.isDirectory(output)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(output)) {
      return (int) files.filter(p -> p.getFileName().toString().matches("part-\\d+\\.parquet")).count();
    }
  }
}

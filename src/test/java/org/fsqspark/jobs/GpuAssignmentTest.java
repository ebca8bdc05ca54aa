package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.model.DeviceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeResult;

/**
 * GPU scheduling on a standalone cluster with separate executor JVMs: a fake discovery script gives the
 * worker GPUs "0" and "1", each executor gets one, and every tokenize task runs on the address Spark assigned
 * it. This machine's libtorch has no CUDA, so the tasks either fail with instructions or, when allowed, fall
 * back to the CPU; both are checked.
 */
class GpuAssignmentTest {
  @TempDir
  Path work;

  @Test
  void tasksUseTheGpuAddressesSparkAssigns() throws Exception {
    Path discovery = work.resolve("fake-gpus.sh");
    Files.writeString(discovery, "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
    Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path input = work.resolve("images");
    TestImages.samples(input, 60);

    SparkTestSupport.stopActive();
    try (StandaloneCluster cluster = StandaloneCluster.start(work, 2, "3g", Map.of(
        "spark.worker.resource.gpu.amount", "2",
        "spark.worker.resource.gpu.discoveryScript", discovery.toString()))) {
      Map<String, String> conf = new HashMap<>();
      conf.put("spark.master", cluster.masterUrl());
      conf.put("spark.driver.host", "127.0.0.1");
      conf.put("spark.driver.bindAddress", "127.0.0.1");
      conf.put("spark.ui.enabled", "false");
      conf.put("spark.executor.cores", "1");
      conf.put("spark.executor.memory", "1g");
      conf.put("spark.executor.resource.gpu.amount", "1");
      conf.put("spark.task.resource.gpu.amount", "1");
      conf.put("spark.task.maxFailures", "1");
      conf.put("spark.executor.extraClassPath", SparkTestSupport.executorClasspath());
      conf.put("spark.executor.extraJavaOptions", "-Dai.djl.offline=true");
      SparkSession spark = SparkSessions.start("fsq-gpu-assignment-test", conf);
      try {
        TokenizeConfig base = TokenizeConfig.of(input.toString(), work.resolve("no-cuda").toString(), "default")
            .withFilesPerShard(10);
        assertThatThrownBy(() -> new TokenizeJob(spark, base, new PrintWriter(new StringWriter())).run())
            .hasMessageContaining("was requested but the PyTorch engine sees 0 GPU(s)")
            .hasMessageContaining("--allow-cpu-fallback");

        TokenizeConfig fallback = TokenizeConfig.of(input.toString(), work.resolve("fallback").toString(), "default")
            .withFilesPerShard(10).withDevice(DeviceRequest.parse("auto", true));
        TokenizeResult result = new TokenizeJob(spark, fallback, new PrintWriter(new StringWriter())).run();
        assertThat(result.tokenized()).isEqualTo(60);
        assertThat(result.executorJvms()).isEqualTo(2);
        assertThat(result.gpus()).as("GPU addresses the tasks were given").containsExactly("0", "1");
      } finally {
        SparkTestSupport.stopActive();
      }
    }
  }
}

package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fsqspark.io.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar under {@code spark-submit}: SparkSubmit runs with only what a Spark distribution
 * provides on its classpath, so anything missing from the jar (DJL, natives, picocli, our classes) fails here.
 */
class SparkSubmitIT {
  @TempDir
  Path work;

  @Test
  void tokenizeAndStatsRunFromTheApplicationJar() throws Exception {
    Path images = work.resolve("images");
    SampleImages.writePngs(images, 40);
    Path tokens = work.resolve("tokens");

    Run tokenize = submit("tokenize", "--input", images.toString(), "--output", tokens.toString(), "--device", "cpu");
    assertThat(tokenize.exitCode()).as(tokenize.output()).isZero();
    assertThat(tokenize.output()).contains("tokenized 40 of 40 images (0 rejected)");
    assertThat(tokens.resolve("_tokenizer.json")).exists();

    Run stats = submit("stats", "--input", tokens.toString(), "--output", work.resolve("stats").toString());
    assertThat(stats.exitCode()).as(stats.output()).isZero();
    assertThat(stats.output()).contains("usage", "entropy", "perplexity");
    assertThat(work.resolve("stats/stats.json")).exists();

    Run missing = submit("tokenize", "--input", work.resolve("nothing-here").toString(), "--output",
        work.resolve("t2").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.output()).contains("fsq tokenize: error: Input", "does not exist");
  }

  private record Run(int exitCode, String output) {}

  private Run submit(String... args) throws IOException, InterruptedException {
    Path project = Path.of(System.getProperty("fsq.test.project.dir", ".")).toAbsolutePath();
    Path appJar = project.resolve("target/fsq-spark-app.jar");
    assertThat(appJar).as("built by mvn package").exists();
    String sparkClasspath = Files.readString(project.resolve("target/spark-classpath.txt")).trim();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("fsq.test.module.flags", "").trim().split("\\s+")));
    command.addAll(List.of("-Xmx1g", "-cp", sparkClasspath, "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--driver-java-options", "-Dai.djl.offline=true -Dlog4j2.configurationFile=" + project.resolve("conf/log4j2.properties"),
        "--class", "org.fsqspark.cli.Main", appJar.toString()));
    command.addAll(Arrays.asList(args));
    Path log = Files.createTempFile(work, "submit", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("spark-submit did not finish in 5 minutes:\n" + Files.readString(log));
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}

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
 * {@code jobs/fsq} with SPARK_HOME set: the launcher hands the application jar to spark-submit, which runs
 * with only what a Spark distribution provides on its classpath, so anything missing from the jar (DJL,
 * natives, picocli, our classes) or wrong in the launcher fails here.
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

  /**
   * Runs {@code jobs/fsq} with SPARK_HOME pointing at a stand-in whose {@code bin/spark-submit} starts Spark's
   * own SparkSubmit class with only Spark's jars, so the launcher's spark-submit branch is what runs.
   */
  private Run submit(String... args) throws IOException, InterruptedException {
    Path project = Path.of(System.getProperty("fsq.test.project.dir", ".")).toAbsolutePath();
    assertThat(project.resolve("target/fsq-spark-app.jar")).as("built by mvn package").exists();
    Path sparkHome = work.resolve("spark-home");
    Path submit = sparkHome.resolve("bin/spark-submit");
    if (!Files.exists(submit)) {
      Files.createDirectories(submit.getParent());
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Files.writeString(submit, "#!/usr/bin/env bash\n"
          + "exec '" + java + "' " + System.getProperty("fsq.test.module.flags", "").trim() + " -Xmx1g"
          + " -cp '" + Files.readString(project.resolve("target/spark-classpath.txt")).trim() + "'"
          + " org.apache.spark.deploy.SparkSubmit --master 'local[2]' --conf spark.ui.enabled=false"
          + " --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \"$@\"\n");
      submit.toFile().setExecutable(true);
    }
    List<String> command = new ArrayList<>();
    command.add(project.resolve("jobs/fsq").toString());
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().remove("FSQ_EMBEDDED");
    return run(builder, work);
  }

  static Run run(ProcessBuilder builder, Path work) throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "run", ".log");
    Process process = builder.redirectOutput(log.toFile()).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(builder.command() + " did not finish in 5 minutes:\n" + Files.readString(log));
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  record Run(int exitCode, String output) {}
}

package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.fsqspark.io.SampleImages;
import org.fsqspark.io.TokenTable;
import org.fsqspark.jobs.SparkTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fsq as its own process with the project's conf/log4j2.properties, as jobs/fsq runs it: Spark's and Hadoop's
 * logging stay off the console (at most three lines for a mistake, even when executors fail), the full log
 * goes to the file the error line names, FSQ_DEBUG=1 brings the detail back, and secrets never show.
 */
class QuietConsoleTest {
  private static final String SECRET = "fsqTopSecretNeverPrinted";

  @TempDir
  static Path work;

  private static Path images;
  private static Path outOfRange;

  @BeforeAll
  static void tables() throws Exception {
    images = work.resolve("images");
    SampleImages.writePngs(images, 8);
    Path tokens = work.resolve("tokens");
    CliRunner.Result made = CliRunner.run("tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
        tokens.toString(), "--progress-interval", "0");
    assertThat(made.exitCode()).as(made.err()).isZero();
    SparkSession spark = SparkTestSupport.local();
    outOfRange = work.resolve("out-of-range");
    spark.read().parquet(tokens.toString()).withColumn("tokens", functions.array_repeat(functions.lit(5000), 49))
        .write().parquet(outOfRange.toString());
    Files.copy(tokens.resolve(TokenTable.MANIFEST_FILE), outOfRange.resolve(TokenTable.MANIFEST_FILE));
  }

  @Test
  void anExecutorSideFailureIsOneLine() throws Exception {
    Run run = fsq(Map.of(), List.of(), "stats", "--master", "local[2]", "--input", outOfRange.toString(), "--output",
        work.resolve("s1").toString());
    run.expect(2, "Token 5000 is outside the codebook");
    assertThat(run.console()).doesNotContain("ERROR", "WARN", "TaskSetManager");
  }

  @Test
  void aBadSparkSettingIsOneLine() throws Exception {
    Run run = fsq(Map.of(), List.of(), "tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
        work.resolve("t1").toString(), "--conf", "spark.executor.memory=abc");
    run.expect(2, "spark.executor.memory");
  }

  @Test
  void aSmallDriverHeapNamesFsqDriverMemory() throws Exception {
    Run run = fsq(Map.of(), List.of("-Xmx256m"), "tokenize", "--master", "local[1]", "--input", images.toString(),
        "--output", work.resolve("t2").toString());
    run.expect(2, "FSQ_DRIVER_MEMORY");
  }

  @Test
  void anUnreachableS3EndpointSaysWhatIsRetriedAndGivesUpInTime() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    } // closed again: connections to it are refused
    List<String> endpoint = List.of("--conf", "spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:" + port);
    Run inUrl = fsq(Map.of(), List.of(), "tokenize", "--master", "local[1]", "--input",
        "s3a://AKIDEXAMPLE:" + SECRET + "@bucket/images", "--output", work.resolve("t4").toString(), endpoint.get(0),
        endpoint.get(1));
    inUrl.expect(2, "login details");
    assertThat(inUrl.console()).contains("s3a://***@bucket/images").doesNotContain(SECRET);

    long start = System.nanoTime();
    Run run = fsq(Map.of(), List.of(), "tokenize", "--master", "local[1]", "--input",
        "s3a://bucket/images", "--output", work.resolve("t3").toString(),
        "--storage-timeout", "6", "--conf", "spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:" + port,
        "--conf", "spark.hadoop.fs.s3a.path.style.access=true", "--conf", "spark.hadoop.fs.s3a.endpoint.region=us-east-1",
        "--conf", "spark.hadoop.fs.s3a.connection.ssl.enabled=false",
        // Both keys: with a secret alone S3A fails on the missing credentials before it ever connects.
        "--conf", "spark.hadoop.fs.s3a.access.key=AKIDEXAMPLE",
        "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET);
    double seconds = (System.nanoTime() - start) / 1e9;
    run.expect(1, "within 6 s (--storage-timeout)");
    assertThat(run.console()).contains("S3A is retrying", "127.0.0.1:" + port);
    assertThat(seconds).as("gave up within the limit plus a JVM start").isLessThan(90);
    Path log = run.logFile();
    assertThat(Files.readString(log)).contains("fsq tokenize failed").doesNotContain(SECRET);
    assertThat(run.console()).doesNotContain(SECRET);
  }

  @Test
  void fsqDebugPutsTheDetailBackOnTheConsole() throws Exception {
    Path empty = Files.createDirectories(work.resolve("empty"));
    Run quiet = fsq(Map.of(), List.of(), "stats", "--input", empty.toString(), "--output", work.resolve("s2").toString());
    quiet.expect(2, "has no part files");
    Run debug = fsq(Map.of("FSQ_DEBUG", "1"), List.of(), "stats", "--input", empty.toString(), "--output",
        work.resolve("s3").toString());
    assertThat(debug.exitCode).isEqualTo(2);
    assertThat(debug.console()).contains("has no part files", "\tat org.fsqspark.");
  }

  /** What one process printed, and its exit code. */
  record Run(int exitCode, String output, List<String> command) {
    String console() {
      return output.strip();
    }

    void expect(int code, String message) {
      assertThat(exitCode).as("%s%n%s", String.join(" ", command), output).isEqualTo(code);
      assertThat(console().lines().count()).as("at most three lines:%n%s", output).isBetween(1L, 3L);
      assertThat(console()).contains(": error: ", message).doesNotContain("\tat ");
    }

    /** The log file the error line names. */
    Path logFile() {
      Matcher named = Pattern.compile("log: (\\S+\\.log)").matcher(output);
      assertThat(named.find()).as("the error line names the log file:%n%s", output).isTrue();
      Path file = Path.of(named.group(1));
      assertThat(file).exists().startsWith(work.resolve("logs"));
      return file;
    }
  }

  private static Run fsq(Map<String, String> environment, List<String> jvmOptions, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("fsq.test.module.flags", "").trim().split("\\s+")));
    command.add("-Xmx1g");
    command.addAll(jvmOptions);
    command.addAll(List.of("-Dai.djl.offline=true", "-Dfsq.embedded=true",
        "-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath(), "-cp",
        SparkTestSupport.executorClasspath() + File.pathSeparator, "org.fsqspark.cli.Main"));
    command.addAll(Arrays.asList(args));
    command.removeIf(String::isEmpty);
    Path output = Files.createTempFile(work, "run", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().remove("FSQ_DEBUG");
    builder.environment().put("FSQ_LOG_DIR", work.resolve("logs").toString());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(4, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("did not finish: " + command + "\n" + Files.readString(output));
    }
    return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8), command);
  }
}

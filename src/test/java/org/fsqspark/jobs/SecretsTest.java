package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fsqspark.io.S3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Known fake credentials go in on the command line; every byte that comes out (console, logs at INFO for
 * every logger, every file written to S3, a failure's error message) is searched for them.
 */
class SecretsTest {
  private static final String WRONG_SECRET = "fsq-wrong-secret-also-never-printed";

  @TempDir
  Path work;

  @Test
  void secretsNeverAppearInOutputsLogsOrErrors() throws Exception {
    Path local = work.resolve("images");
    TestImages.samples(local, 20);
    Path logConfig = work.resolve("log4j2.properties");
    Files.writeString(logConfig, String.join("\n", "rootLogger.level = info", "rootLogger.appenderRef.err.ref = err",
        "appender.err.type = Console", "appender.err.name = err", "appender.err.target = SYSTEM_ERR",
        "appender.err.layout.type = PatternLayout", "appender.err.layout.pattern = %p %c: %m%n%throwable") + "\n");
    StringBuilder everything = new StringBuilder();
    try (S3Server s3 = S3Server.start(work.resolve("s3-data"))) {
      s3.createBucket("secrets");
      try (Stream<Path> files = Files.walk(local)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          s3.put("secrets", "images/" + local.relativize(file), Files.readAllBytes(file));
        }
      }
      List<String> s3Conf = s3Conf(s3, S3Server.SECRET_KEY);
      everything.append(run(logConfig, s3Conf, "tokenize", "--input", "s3a://secrets/images", "--output",
          "s3a://secrets/tokens", "--progress-interval", "1"));
      everything.append(run(logConfig, s3Conf, "stats", "--input", "s3a://secrets/tokens", "--output",
          "s3a://secrets/stats"));
      everything.append(run(logConfig, s3Conf, "decode", "--input", "s3a://secrets/tokens", "--output",
          "s3a://secrets/decoded"));
      String failure = run(logConfig, s3Conf(s3, WRONG_SECRET), "tokenize", "--input", "s3a://secrets/images",
          "--output", "s3a://secrets/tokens-wrong-key");
      assertThat(failure).contains("fsq tokenize: error");
      everything.append(failure);
      for (var object : s3.client().listObjectsV2(b -> b.bucket("secrets")).contents()) {
        if (!object.key().startsWith("images/")) {
          ResponseBytes<GetObjectResponse> bytes = s3.client().getObjectAsBytes(b -> b.bucket("secrets").key(object.key()));
          everything.append(new String(bytes.asByteArray(), StandardCharsets.ISO_8859_1));
        }
      }
      assertThat(everything.toString()).contains("tokenized 20 of 20 images", "entropy", "decoded 20 images", "INFO ")
          .doesNotContain(S3Server.SECRET_KEY).doesNotContain(WRONG_SECRET);
    }
  }

  private static List<String> s3Conf(S3Server s3, String secret) {
    List<String> args = new ArrayList<>();
    for (String setting : new String[] {"fs.s3a.endpoint=" + s3.endpoint(), "fs.s3a.path.style.access=true",
        "fs.s3a.connection.ssl.enabled=false", "fs.s3a.endpoint.region=us-east-1",
        "fs.s3a.access.key=" + S3Server.ACCESS_KEY, "fs.s3a.secret.key=" + secret, "fs.s3a.attempts.maximum=1",
        "fs.s3a.retry.limit=1"}) {
      args.add("--conf");
      args.add("spark.hadoop." + setting);
    }
    return args;
  }

  private String run(Path logConfig, List<String> conf, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("fsq.test.module.flags", "").trim().split("\\s+")));
    command.addAll(List.of("-Xmx1g", "-Dai.djl.offline=true", "-Dlog4j2.configurationFile=" + logConfig, "-cp",
        SparkTestSupport.executorClasspath() + File.pathSeparator, "org.fsqspark.cli.Main"));
    command.addAll(Arrays.asList(args));
    command.addAll(List.of("--master", "local[2]"));
    command.addAll(conf);
    command.removeIf(String::isEmpty);
    Path log = Files.createTempFile(work, "run", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(4, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("fsq " + args[0] + " did not finish:\n" + Files.readString(log));
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}

package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fsqspark.jobs.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/fsq}'s class-data archive ({@code target/fsq.jsa}): only a tokenize run that succeeds records it, a
 * later start maps it without recording again, and a newer build drops it. A run that stopped early and left an
 * archive without Spark's classes would slow every later start until the next build.
 */
class LauncherArchiveIT {
  @TempDir
  Path work;

  @Test
  void onlyASuccessfulTokenizeRecordsTheArchiveAndANewerBuildDropsIt() throws Exception {
    Path project = Path.of(System.getProperty("fsq.test.project.dir", ".")).toAbsolutePath();
    Path target = project.resolve("target");
    Path archive = target.resolve("fsq.jsa");
    Files.deleteIfExists(archive);
    Path images = work.resolve("images");
    TestImages.samples(images, 8);

    SparkSubmitIT.Run failed = fsq(project, "tokenize", "--input", work.resolve("missing").toString(), "--output",
        work.resolve("tokens-1").toString());
    assertThat(failed.exitCode()).as(failed.output()).isNotZero();
    assertThat(archive).as("a tokenize run that failed records no archive").doesNotExist();
    assertThat(recordings(target)).as("nor leaves a half-recorded one").isEmpty();

    SparkSubmitIT.Run recorded = fsq(project, "tokenize", "--input", images.toString(), "--output",
        work.resolve("tokens-2").toString());
    assertThat(recorded.exitCode()).as(recorded.output()).isZero();
    assertThat(recorded.output()).contains("recording the classes this run loads");
    assertThat(archive).as("the first tokenize run that succeeds records the archive").exists();
    assertThat(Files.size(archive)).as("with Spark's classes in it").isGreaterThan(10L << 20);
    assertThat(recordings(target)).isEmpty();
    FileTime written = Files.getLastModifiedTime(archive);

    SparkSubmitIT.Run mapped = fsq(project, "tokenize", "--input", images.toString(), "--output",
        work.resolve("tokens-3").toString());
    assertThat(mapped.exitCode()).as(mapped.output()).isZero();
    assertThat(mapped.output()).as("a later start maps the archive").doesNotContain("recording the classes");
    assertThat(Files.getLastModifiedTime(archive)).isEqualTo(written);

    // A build after the archive was recorded: the archive is older than the classes' jar.
    Path jar;
    try (Stream<Path> jars = Files.list(target)) {
      jar = jars.filter(p -> p.getFileName().toString().matches("fsq-spark-[0-9].*\\.jar")).findFirst().orElseThrow();
    }
    Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    SparkSubmitIT.Run other = fsq(project, "levels", "--codebook-size", "1000");
    assertThat(other.exitCode()).as(other.output()).isZero();
    assertThat(archive).as("an archive older than the build is dropped; only tokenize records a new one")
        .doesNotExist();
  }

  private SparkSubmitIT.Run fsq(Path project, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(project.resolve("jobs/fsq").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("SPARK_HOME");
    builder.environment().remove("FSQ_CDS");
    builder.environment().put("FSQ_EMBEDDED", "1");
    return SparkSubmitIT.run(builder, work);
  }

  private static List<Path> recordings(Path target) throws Exception {
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".recording")).toList();
    }
  }
}

package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fsqspark.image.ImageDecoderTestSupport;
import org.fsqspark.io.TokenTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decode memory under a small heap, in a tokenize process of its own (-Xmx512m, one task with four decode
 * threads): large 16-bit RGBA PNGs that would exhaust the heap decoded all at once are admitted one by one
 * and all tokenized, and an image the heap cannot hold even alone fails the run (the table is not marked
 * complete) instead of becoming a reject row.
 */
class DecodeMemoryTest {
  private static final String HEAP = "-Xmx512m";

  @TempDir
  Path work;

  @Test
  void largeSixteenBitImagesThatDoNotFitTogetherAreAllTokenized() throws Exception {
    Path input = Files.createDirectories(work.resolve("large"));
    for (int i = 0; i < 4; i++) {
      // 2500 x 2500 x 4 x 16 bits: about 150 MB each to decode; the four at once would not fit in 512 MB.
      try (OutputStream out = Files.newOutputStream(input.resolve("rgba16-" + i + ".png"))) {
        ImageDecoderTestSupport.writeRgba16Png(out, 2500, 2500, i);
      }
    }
    Path output = work.resolve("tokens");
    Run run = tokenize(input, output);
    assertThat(run.exitCode()).as(run.log()).isZero();
    assertThat(run.log()).contains("tokenized 4 of 4 images (0 rejected)");
    assertThat(output.resolve(TokenTable.JOB_FILE)).exists();
  }

  @Test
  void anImageTheHeapCannotHoldFailsTheRunInsteadOfBecomingAReject() throws Exception {
    Path input = Files.createDirectories(work.resolve("huge"));
    TestImages.samples(input.resolve("small"), 1);
    // 6000 x 6000 x 4 x 16 bits, under --max-pixels: its raster and float planes alone need about 720 MB.
    try (OutputStream out = Files.newOutputStream(input.resolve("rgba16-6000.png"))) {
      ImageDecoderTestSupport.writeRgba16Png(out, 6000, 6000, 0);
    }
    Path output = work.resolve("tokens");
    Run run = tokenize(input, output);
    assertThat(run.exitCode()).as(run.log()).isEqualTo(1);
    assertThat(run.log()).contains("ran out of heap decoding", "rgba16-6000.png", "give the executors more memory");
    assertThat(output.resolve(TokenTable.JOB_FILE)).as("the table is not marked complete").doesNotExist();
    Path rejects = output.resolve(TokenTable.REJECTS_DIR);
    if (Files.isDirectory(rejects)) {
      try (Stream<Path> files = Files.list(rejects)) {
        for (Path file : files.toList()) {
          assertThat(Files.readAllBytes(file)).as("no reject row for the huge image")
              .doesNotContain("rgba16-6000".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    }
  }

  private record Run(int exitCode, String log) {}

  private Run tokenize(Path input, Path output) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("fsq.test.module.flags", "").trim().split("\\s+")));
    command.addAll(List.of(HEAP, "-Dai.djl.offline=true", "-cp", SparkTestSupport.executorClasspath() + File.pathSeparator,
        "org.fsqspark.cli.Main", "tokenize", "--master", "local[1]", "--input", input.toString(), "--output",
        output.toString(), "--files-per-shard", "4", "--decode-threads", "4", "--progress-interval", "0"));
    command.removeIf(String::isEmpty);
    Path log = work.resolve("tokenize.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("tokenize did not finish in 5 minutes:\n" + Files.readString(log));
    }
    return new Run(process.exitValue(), Files.readString(log));
  }
}

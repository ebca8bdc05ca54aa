package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.image.ImageDecoderTestSupport;
import org.fsqspark.io.TokenTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeResult;

/**
 * Every kind of broken or hostile file in one folder: each ends as one reject with its stage and reason (or
 * as tokens when it is a valid if odd image), and the job, the JVM and the heap survive.
 */
class HostileInputsTest {
  @TempDir
  Path work;

  @Test
  void eachHostileFileIsARejectWithAReason() throws Exception {
    Path input = Files.createDirectories(work.resolve("hostile"));
    TestImages.samples(input.resolve("good"), 5);
    byte[] png = Files.readAllBytes(input.resolve("good/ankle_boot/test-00000.png"));
    Path fixtures = Path.of("src/test/resources/images");
    Files.write(input.resolve("empty.png"), new byte[0]);
    Files.writeString(input.resolve("text.jpg"), "just text pretending to be an image");
    Files.writeString(input.resolve("fake-gif.png"), "GIF89a then garbage that is not a GIF at all");
    byte[] noise = new byte[4096];
    new Random(1).nextBytes(noise);
    Files.write(input.resolve("noise.png"), noise);
    Files.write(input.resolve("truncated.png"), java.util.Arrays.copyOf(png, png.length / 2));
    byte[] corrupt = png.clone();
    for (int i = 40; i < corrupt.length - 20; i++) {
      corrupt[i] ^= 0x5A;
    }
    Files.write(input.resolve("corrupt.png"), corrupt);
    byte[] jpeg = Files.readAllBytes(fixtures.resolve("progressive-blue.jpg"));
    Files.write(input.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, 200));
    Files.write(input.resolve("bomb.png"), ImageDecoderTestSupport.pngHeaderOnly(100_000, 100_000));
    Files.write(input.resolve("bomb.jpg"), ImageDecoderTestSupport.jpegHeaderOnly(65_535, 65_535));
    Files.copy(fixtures.resolve("animated-white-then-black.gif"), input.resolve("animated.gif"));
    Files.copy(fixtures.resolve("one-pixel-white.png"), input.resolve("one-pixel.png"));
    Files.copy(fixtures.resolve("line-2000x1.png"), input.resolve("line-2000x1.png"));
    Files.copy(fixtures.resolve("cmyk-red.jpg"), input.resolve("cmyk.jpg"));
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root) {
      Files.write(input.resolve("unreadable.png"), png);
      Files.setPosixFilePermissions(input.resolve("unreadable.png"), PosixFilePermissions.fromString("---------"));
    }

    SparkSession spark = SparkTestSupport.local();
    long heapBefore = usedHeap();
    TokenizeResult result = new TokenizeJob(spark,
        TokenizeConfig.of(input.toString(), work.resolve("tokens").toString(), "default"),
        new PrintWriter(new StringWriter())).run();
    Map<String, Row> rejects = new HashMap<>();
    spark.read().parquet(work.resolve("tokens").resolve(TokenTable.REJECTS_DIR).toString()).collectAsList()
        .forEach(row -> rejects.put(row.getString(0), row));

    assertReject(rejects, "empty.png", "read", "empty file");
    assertReject(rejects, "text.jpg", "decode", "not a recognised image format");
    assertReject(rejects, "noise.png", "decode", "not a recognised image format");
    assertReject(rejects, "fake-gif.png", "decode", "corrupt or truncated");
    assertReject(rejects, "truncated.png", "decode", "truncated");
    assertReject(rejects, "corrupt.png", "decode", "corrupt");
    assertReject(rejects, "truncated.jpg", "decode", "truncated JPEG");
    assertReject(rejects, "bomb.png", "decode", "100000x100000 pixels exceeds the limit");
    assertReject(rejects, "bomb.jpg", "decode", "65535x65535 pixels exceeds the limit");
    if (!root) {
      assertReject(rejects, "unreadable.png", "read", "cannot read the file");
    }
    int expectedRejects = root ? 9 : 10;
    assertThat(rejects).hasSize(expectedRejects);
    // 5 good images plus the valid oddities: animated GIF (first frame), 1x1, 2000x1, CMYK.
    assertThat(result.tokenized()).isEqualTo(9);
    assertThat(result.inputs()).isEqualTo(9 + expectedRejects);
    assertThat(usedHeap() - heapBefore).as("no decompression bomb was decoded").isLessThan(512L << 20);
  }

  private static void assertReject(Map<String, Row> rejects, String id, String stage, String reason) {
    Row row = rejects.get(id);
    assertThat(row).as("reject for %s", id).isNotNull();
    assertThat(row.getString(2)).as("stage of %s", id).isEqualTo(stage);
    assertThat(row.getString(3)).as("error of %s", id).contains(reason);
  }

  private static long usedHeap() {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}

package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.fsqspark.image.ImageDecoderTestSupport;
import org.fsqspark.io.SampleImages;
import org.fsqspark.io.TokenTable;
import org.fsqspark.jobs.SparkTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder with cut-off JPEGs, PNGs and WebPs beside whole images, tokenized as a user would: by default
 * each cut file is a {@code decode} reject with its reason and the whole ones are tokenized; with
 * {@code --accept-truncated} every file is tokenized and the console and {@code _job.json} count the cut ones.
 */
class TruncatedImagesCommandTest {
  private static final Path FIXTURES = Path.of("src/test/resources/images");

  @TempDir
  Path work;

  @Test
  void cutFilesAreRejectsByDefaultAndCountedTokensWithAcceptTruncated() throws Exception {
    Path images = work.resolve("images");
    int whole = SampleImages.writePngs(images.resolve("samples"), 6);
    byte[] jpeg = ImageDecoderTestSupport.encode(ImageDecoderTestSupport.photoLike(320, 240), "jpg");
    byte[] png = ImageDecoderTestSupport.encode(ImageDecoderTestSupport.photoLike(200, 150), "png");
    byte[] lossy = Files.readAllBytes(FIXTURES.resolve("photo-lossy.webp"));
    byte[] lossless = Files.readAllBytes(FIXTURES.resolve("photo-lossless.webp"));
    Files.write(images.resolve("whole.jpg"), jpeg);
    Files.write(images.resolve("whole.webp"), lossy);
    whole += 2;
    Map<String, byte[]> cut = new HashMap<>();
    cut.put("cut-third.jpg", Arrays.copyOf(jpeg, jpeg.length / 3));
    cut.put("cut-eoi.jpg", Arrays.copyOf(jpeg, jpeg.length - 2));
    cut.put("cut-two-thirds.png", Arrays.copyOf(png, png.length * 2 / 3));
    cut.put("cut-last-byte.png", Arrays.copyOf(png, png.length - 1));
    cut.put("cut-two-thirds.webp", Arrays.copyOf(lossy, lossy.length * 2 / 3));
    cut.put("cut-last-bytes.webp", Arrays.copyOf(lossless, lossless.length - 2));
    for (Map.Entry<String, byte[]> file : cut.entrySet()) {
      Files.write(images.resolve(file.getKey()), file.getValue());
    }
    int all = whole + cut.size();

    SparkTestSupport.stopActive();
    Path strictOutput = work.resolve("strict");
    CliRunner.Result strict = CliRunner.run("tokenize", "--master", "local[2]", "--input", images.toString(),
        "--output", strictOutput.toString(), "--progress-interval", "0");
    assertThat(strict.exitCode()).as(strict.err()).isZero();
    assertThat(strict.out()).contains("tokenized " + whole + " of " + all + " images (" + cut.size() + " rejected)")
        .doesNotContain("truncated or damaged image(s) tokenized");
    Map<String, Row> rejects = new HashMap<>();
    SparkTestSupport.local().read().parquet(strictOutput.resolve(TokenTable.REJECTS_DIR).toString()).collectAsList()
        .forEach(row -> rejects.put(row.getString(0), row));
    assertThat(rejects.keySet()).containsExactlyInAnyOrderElementsOf(cut.keySet());
    for (Row reject : rejects.values()) {
      assertThat(reject.getString(2)).as(reject.getString(0)).isEqualTo("decode");
      assertThat(reject.getString(3)).as(reject.getString(0)).containsPattern("^truncated (JPEG|PNG|WebP): ")
          .contains("--accept-truncated");
    }
    assertThat(rejects.get("cut-eoi.jpg").getString(3)).contains("without an end-of-image marker (FF D9)");
    assertThat(job(strictOutput).get("truncated_accepted_this_run").getAsLong()).isZero();

    SparkTestSupport.stopActive();
    Path lenientOutput = work.resolve("lenient");
    CliRunner.Result lenient = CliRunner.run("tokenize", "--master", "local[2]", "--input", images.toString(),
        "--output", lenientOutput.toString(), "--progress-interval", "0", "--accept-truncated");
    assertThat(lenient.exitCode()).as(lenient.err()).isZero();
    assertThat(lenient.out()).contains("tokenized " + all + " of " + all + " images (0 rejected)",
        cut.size() + " truncated or damaged image(s) tokenized from what could be decoded (--accept-truncated)");
    JsonObject job = job(lenientOutput);
    assertThat(job.get("accept_truncated").getAsBoolean()).isTrue();
    assertThat(job.get("truncated_accepted_this_run").getAsLong()).isEqualTo(cut.size());
    assertThat(SparkTestSupport.local().read().parquet(lenientOutput.toString()).count()).isEqualTo(all);
  }

  private static JsonObject job(Path output) throws Exception {
    return JsonParser.parseString(Files.readString(output.resolve(TokenTable.JOB_FILE))).getAsJsonObject();
  }
}

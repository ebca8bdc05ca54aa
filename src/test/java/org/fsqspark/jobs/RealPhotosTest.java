package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.io.InputListing;
import org.fsqspark.io.TokenTable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeResult;

/**
 * Real photographs of varied sizes and formats: the examples of Debian's opencv-doc (scripts/test installs
 * it). Every image file ends up as exactly one token row or one reject, with unique ids.
 */
class RealPhotosTest {
  static final Path OPENCV_DATA = Path.of("/usr/share/doc/opencv-doc/examples/data");

  @TempDir
  Path work;

  @Test
  void everyPhotoIsTokenizedOrRejectedOnce() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(OPENCV_DATA), "opencv-doc is not installed (apt-get install opencv-doc)");
    long images;
    try (Stream<Path> files = Files.walk(OPENCV_DATA)) {
      images = files.filter(Files::isRegularFile)
          .filter(p -> {
            String name = p.getFileName().toString().toLowerCase();
            int dot = name.lastIndexOf('.');
            return dot > 0 && InputListing.IMAGE_EXTENSIONS.contains(name.substring(dot + 1));
          }).count();
    }
    SparkSession spark = SparkTestSupport.local();
    TokenizeConfig config = TokenizeConfig.of(OPENCV_DATA.toString(), work.resolve("tokens").toString(), "default")
        .withFilesPerShard(25).withBatchSize(16);
    TokenizeResult result = new TokenizeJob(spark, config, new PrintWriter(new StringWriter())).run();
    assertThat(result.inputs()).isEqualTo(images);
    assertThat(result.tokenized() + result.rejected()).isEqualTo(images);
    List<String> tokenIds = spark.read().parquet(work.resolve("tokens").toString()).select("id")
        .as(Encoders.STRING()).collectAsList();
    // Only shards with rejects write a rejects file, so a run without rejects has no _rejects folder.
    Path rejects = work.resolve("tokens").resolve(TokenTable.REJECTS_DIR);
    List<String> rejectIds = !Files.exists(rejects) ? List.of() : spark.read().parquet(rejects.toString())
        .select("id").as(Encoders.STRING()).collectAsList();
    assertThat(rejectIds).hasSize((int) result.rejected());
    Set<String> all = new HashSet<>(tokenIds);
    all.addAll(rejectIds);
    assertThat(all).hasSize((int) images);
    assertThat(tokenIds).hasSizeGreaterThan((int) (images * 9 / 10));
  }
}

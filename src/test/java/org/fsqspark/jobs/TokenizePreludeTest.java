package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.io.InputListing;
import org.fsqspark.io.SampleImages;
import org.fsqspark.io.ShardPlan;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizePrelude;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What tokenize does before Spark starts: list a local input (failing fast) and check the model meanwhile. */
class TokenizePreludeTest {
  /** A master other than local[...], so that no model check or engine start runs in the background here. */
  private static final Map<String, String> CLUSTER = Map.of("spark.master", "spark://127.0.0.1:1");

  @TempDir
  Path work;

  @Test
  void aMissingOrImagelessLocalInputFailsWithoutASparkContext() throws Exception {
    SparkTestSupport.stopActive();
    assertThatThrownBy(() -> TokenizePrelude.start(TokenizeConfig.of(work.resolve("nothing").toString(),
        work.resolve("out").toString(), "default"), CLUSTER)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist");
    Files.writeString(work.resolve("notes.txt"), "not an image");
    assertThatThrownBy(() -> TokenizePrelude.start(TokenizeConfig.of(work.toString(), work.resolve("out").toString(),
        "default"), CLUSTER)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No images");
    assertThat(SparkSession.getDefaultSession().isEmpty()).as("nothing started Spark").isTrue();
  }

  @Test
  void sparkMayStartAsSoonAsTheFolderIsKnownToHoldImagesButNeverForOneWithout() throws Exception {
    Path images = work.resolve("images");
    SampleImages.writePngs(images, 3);
    Files.writeString(images.resolve("notes.txt"), "not an image");
    java.util.List<String> events = new java.util.ArrayList<>();
    TokenizePrelude prelude = TokenizePrelude.start(TokenizeConfig.of(images.toString(),
        work.resolve("out").toString(), "default"), CLUSTER, () -> events.add("spark may start"));
    assertThat(events).as("called before the whole listing, and again after it").hasSize(2);
    assertThat(prelude.listing()).isPresent();

    Path text = Files.createDirectories(work.resolve("text"));
    Files.writeString(text.resolve("notes.txt"), "not an image");
    Files.write(text.resolve(".hidden.png"), new byte[] {1});
    events.clear();
    assertThatThrownBy(() -> TokenizePrelude.start(TokenizeConfig.of(text.toString(), work.resolve("out").toString(),
        "default"), CLUSTER, () -> events.add("spark may start"))).hasMessageContaining("No images");
    assertThat(events).as("an input with nothing to read never starts Spark").isEmpty();
  }

  @Test
  void theListingBeforeSparkPlansTheSameShardsAsTheJobsOwn() throws Exception {
    Path images = work.resolve("images");
    SampleImages.writePngs(images, 40);
    TokenizePrelude prelude = TokenizePrelude.start(TokenizeConfig.of(images.toString(),
        work.resolve("out").toString(), "default"), CLUSTER);
    assertThat(prelude.listing()).isPresent();
    assertThat(prelude.checkedModel()).as("not this JVM's executors: the job checks the model").isEmpty();
    InputListing.Result own = InputListing.list(new Configuration(), images.toString(), null);
    assertThat(ShardPlan.of(prelude.listing().get(), 0).digest()).isEqualTo(ShardPlan.of(own, 0).digest());
  }

  @Test
  void onlyLocalPathsAreListedBeforeSpark() {
    Configuration hadoop = new Configuration();
    assertThat(TokenizePrelude.isLocal(hadoop, "/data/images")).isTrue();
    assertThat(TokenizePrelude.isLocal(hadoop, "file:/data/images")).isTrue();
    assertThat(TokenizePrelude.isLocal(hadoop, "/data/wds/shard-*.tar")).isTrue();
    assertThat(TokenizePrelude.isLocal(hadoop, "s3a://bucket/images")).isFalse();
    assertThat(TokenizePrelude.isLocal(hadoop, "hdfs://namenode/images")).isFalse();
    hadoop.set("fs.defaultFS", "hdfs://namenode");
    assertThat(TokenizePrelude.isLocal(hadoop, "/data/images")).as("a path on the default file system").isFalse();
  }
}

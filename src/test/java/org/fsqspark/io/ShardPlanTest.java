package org.fsqspark.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardPlanTest {
  @Test
  void tenThousandThumbnailsMakeAFewLargeShards() {
    List<InputListing.Entry> files = files("/in/", 10_000, 350);
    ShardPlan plan = plan(files);
    // 10,000 x (350 + 4096) bytes of work is under three times the least work per shard: 4 shards of 2,500.
    assertThat(plan.shards()).hasSize(4);
    assertThat(plan.shards()).allSatisfy(shard -> assertThat(shard.files()).hasSize(2500));
    assertThat(plan.filesPerShard()).isZero();
    assertThat(plan.maxShardBytes()).isEqualTo((10_000L * (350 + ShardPlan.FILE_WORK_BYTES) + 3) / 4);
  }

  @Test
  void photosAfterThumbnailsSpreadOverShardsOfEqualWork() {
    List<InputListing.Entry> files = files("/in/a/", 3200, 400);
    files.addAll(files("/in/b/", 128, 500_000));
    ShardPlan plan = plan(files);
    assertThat(plan.shards()).hasSize(8);
    long photoShards = plan.shards().stream().filter(s -> s.files().get(s.files().size() - 1).path().startsWith("/in/b/"))
        .count();
    assertThat(photoShards).as("64 MB of photos over shards of about 10 MB, not one straggler").isGreaterThanOrEqualTo(6);
    long largestFile = ShardPlan.work(new InputListing.Entry("x", 500_000));
    for (Shard shard : plan.shards()) {
      long work = shard.files().stream().mapToLong(ShardPlan::work).sum();
      assertThat(work).isLessThanOrEqualTo(plan.maxShardBytes() + largestFile);
    }
    assertThat(plan.shards().stream().mapToInt(s -> s.files().size()).sum()).isEqualTo(files.size());
    assertThat(plan.shards()).extracting(Shard::index).containsExactlyElementsOf(
        java.util.stream.IntStream.range(0, plan.shards().size()).boxed().toList());
    assertThat(plan(files).digest()).as("a function of the listing only").isEqualTo(plan.digest());
    assertThat(plan(files).shards()).isEqualTo(plan.shards());
  }

  @Test
  void largeInputsKeepShardsUnderTheMostWork() {
    ShardPlan plan = plan(files("/in/", 200_000, 60_000));
    long total = 200_000L * (60_000 + ShardPlan.FILE_WORK_BYTES);
    assertThat(plan.shards()).hasSize((int) ((total + ShardPlan.MAX_SHARD_WORK - 1) / ShardPlan.MAX_SHARD_WORK));
    assertThat(plan.maxShardBytes()).isLessThanOrEqualTo(ShardPlan.MAX_SHARD_WORK);
  }

  @Test
  void smallInputsStayInOneShardAndAnExplicitCountIsExact() {
    List<InputListing.Entry> files = files("/in/", 40, 20_000);
    ShardPlan automatic = plan(files);
    assertThat(automatic.shards()).hasSize(1);
    ShardPlan explicit = ShardPlan.of(new InputListing.Result(InputFormat.FOLDER, "/in", files), 7);
    assertThat(explicit.maxShardBytes()).isZero();
    assertThat(explicit.shards()).hasSize(6);
    assertThat(explicit.digest()).isNotEqualTo(automatic.digest());
    assertThatThrownBy(() -> ShardPlan.of(new InputListing.Result(InputFormat.FOLDER, "/in", files), -1))
        .hasMessageContaining("--files-per-shard");
  }

  private static ShardPlan plan(List<InputListing.Entry> files) {
    return ShardPlan.of(new InputListing.Result(InputFormat.FOLDER, "/in", files), 0);
  }

  private static List<InputListing.Entry> files(String folder, int count, long length) {
    List<InputListing.Entry> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      files.add(new InputListing.Entry(folder + String.format("%06d", i) + ".png", length));
    }
    return files;
  }
}

package org.fsqspark.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardPlanTest {
  @Test
  void thumbnailsAreCutByCountAndLargePhotosByBytes() {
    List<InputListing.Entry> files = new ArrayList<>();
    for (int i = 0; i < 3200; i++) {
      files.add(new InputListing.Entry("/in/a/" + String.format("%05d", i) + ".png", 400));
    }
    for (int i = 0; i < 128; i++) {
      files.add(new InputListing.Entry("/in/b/" + String.format("%05d", i) + ".jpg", 500_000));
    }
    ShardPlan plan = ShardPlan.of(new InputListing.Result(InputFormat.FOLDER, "/in", files), 0);
    long total = 3200 * 400L + 128 * 500_000L;
    assertThat(plan.maxShardBytes()).isEqualTo((total + 31) / 32);
    assertThat(plan.filesPerShard()).isEqualTo(104);
    assertThat(plan.shards()).allSatisfy(shard -> assertThat(shard.files().size()).isLessThanOrEqualTo(104));
    // the photos are 64 of 65 MB: at about 2 MB per shard they make ~26 shards, not one straggler
    long photoShards = plan.shards().stream().filter(s -> s.files().get(0).path().startsWith("/in/b/")).count();
    assertThat(photoShards).isGreaterThanOrEqualTo(24);
    assertThat(plan.shards().stream().mapToInt(s -> s.files().size()).sum()).isEqualTo(files.size());
    assertThat(plan.shards()).extracting(Shard::index).containsExactlyElementsOf(
        java.util.stream.IntStream.range(0, plan.shards().size()).boxed().toList());
    assertThat(ShardPlan.of(new InputListing.Result(InputFormat.FOLDER, "/in", files), 0).digest())
        .isEqualTo(plan.digest());
  }

  @Test
  void smallInputsStayInFewShardsAndAnExplicitCountIsExact() {
    List<InputListing.Entry> files = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      files.add(new InputListing.Entry("/in/" + i + ".jpg", 20_000));
    }
    ShardPlan automatic = ShardPlan.of(new InputListing.Result(InputFormat.FOLDER, "/in", files), 0);
    assertThat(automatic.maxShardBytes()).isEqualTo(ShardPlan.MIN_DEFAULT_SHARD_BYTES);
    assertThat(automatic.shards()).hasSize(3);
    ShardPlan explicit = ShardPlan.of(new InputListing.Result(InputFormat.FOLDER, "/in", files), 7);
    assertThat(explicit.maxShardBytes()).isZero();
    assertThat(explicit.shards()).hasSize(6);
    assertThat(explicit.digest()).isNotEqualTo(automatic.digest());
    assertThatThrownBy(() -> ShardPlan.of(new InputListing.Result(InputFormat.FOLDER, "/in", files), -1))
        .hasMessageContaining("--files-per-shard");
  }
}

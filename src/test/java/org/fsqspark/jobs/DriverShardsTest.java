package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.shard.DriverShards;
import org.fsqspark.shard.ShardClaims;
import org.fsqspark.shard.ShardContext;
import org.fsqspark.shard.ShardWork;
import org.junit.jupiter.api.Test;

/**
 * The runner with a driver thread beside its tasks: the driver's counts join the progress, its results the
 * tasks', and a shard it claimed but failed is run as a task.
 */
class DriverShardsTest {
  /** Leaves the shards its run's claims hold, like tokenize's tasks; counts one image per shard it does. */
  private record Claimed(String claimsKey) implements ShardWork<String, String> {
    @Override
    public String process(String shard, ShardContext context) {
      if (!ShardClaims.find(claimsKey).map(claims -> claims.claim(shard)).orElse(true)) {
        return "left " + shard;
      }
      context.add("images", 1);
      return "task " + shard;
    }
  }

  @Test
  void theDriversShardsAreAddedAndItsFailedShardIsRunAsATask() {
    SparkSession spark = SparkTestSupport.local();
    try (ShardClaims claims = ShardClaims.open(); ShardRunner runner = new ShardRunner(spark, "images", "rejects")) {
      // The driver did shard d; it held f while the tasks ran, failed it and gave it back.
      claims.claim("d");
      claims.claim("f");
      DriverShards<String, String> driver = new DriverShards<>() {
        @Override
        public long count(String counter) {
          return "images".equals(counter) ? 1 : 0;
        }

        @Override
        public Done<String, String> finish() {
          claims.release("f");
          return new Done<>(List.of("driver d"), List.of("f"));
        }
      };
      StringWriter console = new StringWriter();
      ShardRunner.Outcome<String> outcome = runner.run("test", List.of("a", "b", "d", "f"), new Claimed(claims.key()),
          new ShardRunner.Progress("test", "images", "rejects", 4, 0, new PrintWriter(console)), driver);
      assertThat(outcome.results()).containsExactlyInAnyOrder("task a", "task b", "left d", "left f", "driver d",
          "task f");
      assertThat(outcome.onDriver()).isEqualTo(1);
      assertThat(console.toString()).as("the driver's image joins the tasks' three").contains("done, 4");
    }
  }
}

package org.fsqspark.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A shard of a shared-out run is done by exactly one thread; a closed or unknown run shares nothing. */
class ShardClaimsTest {
  @Test
  void eachShardGoesToExactlyOneOfManyThreads() throws Exception {
    try (ShardClaims claims = ShardClaims.open()) {
      int shards = 500;
      AtomicInteger won = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        boolean fromTheEnd = t % 2 == 0;
        Thread thread = new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < shards; i++) {
            String shard = "part-" + (fromTheEnd ? shards - 1 - i : i);
            if (claims.claim(shard)) {
              won.incrementAndGet();
            }
          }
        });
        thread.start();
        threads.add(thread);
      }
      start.countDown();
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(won.get()).isEqualTo(shards);
    }
  }

  @Test
  void aReleasedShardMayBeClaimedAgainAndAClosedRunIsGone() {
    ShardClaims claims = ShardClaims.open();
    assertThat(ShardClaims.find(claims.key())).containsSame(claims);
    assertThat(claims.claim("part-00002")).isTrue();
    assertThat(claims.claim("part-00002")).as("another thread holds it").isFalse();
    claims.release("part-00002");
    assertThat(claims.claim("part-00002")).as("a failed attempt gives its shard back").isTrue();
    ShardClaims other = ShardClaims.open();
    assertThat(other.key()).isNotEqualTo(claims.key());
    assertThat(other.claim("part-00002")).as("runs are kept apart").isTrue();
    claims.close();
    other.close();
    assertThat(ShardClaims.find(claims.key())).isEmpty();
    assertThat(ShardClaims.find(null)).isEmpty();
  }
}

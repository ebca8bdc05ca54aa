package org.fsqspark.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunAheadTest {
  @Test
  void resultsKeepSourceOrderWithOrWithoutThreads() {
    List<Integer> source = IntStream.range(0, 500).boxed().toList();
    for (int threads : new int[] {0, 1, 3}) {
      Set<String> workers = ConcurrentHashMap.newKeySet();
      List<Integer> out = new ArrayList<>();
      try (RunAhead<Integer, Integer> ahead = new RunAhead<>(source.iterator(), i -> {
        workers.add(Thread.currentThread().getName());
        return i * 2;
      }, threads, 16, "test-decode")) {
        ahead.forEachRemaining(out::add);
      }
      assertThat(out).as("threads=" + threads).containsExactlyElementsOf(source.stream().map(i -> i * 2).toList());
      if (threads == 0) {
        assertThat(workers).containsExactly(Thread.currentThread().getName());
      } else {
        assertThat(workers).allMatch(name -> name.equals("test-decode"));
      }
    }
    assertThatThrownBy(() -> new RunAhead<Integer, Integer>(source.iterator(), i -> i, -1, 4, "x"))
        .hasMessageContaining(">= 0");
  }
}

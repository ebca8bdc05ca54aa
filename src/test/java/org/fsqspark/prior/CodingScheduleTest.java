package org.fsqspark.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CodingScheduleTest {
  @Test
  void everyPositionIsCodedExactlyOnceInNonDecreasingSteps() {
    int[][] shapes = {{1, 1}, {1, 7}, {2, 3}, {7, 7}, {16, 16}, {5, 11}, {32, 32}};
    for (int[] shape : shapes) {
      for (int steps : new int[] {1, 3, 12, 40}) {
        CodingSchedule schedule = CodingSchedule.of(shape[0], shape[1], steps);
        int positions = shape[0] * shape[1];
        int[] seen = new int[positions];
        int total = 0;
        int previous = 0;
        for (int s = 0; s < schedule.steps(); s++) {
          int[] step = schedule.positionsOf(s);
          assertThat(step.length).as("step %d of %s", s, schedule).isGreaterThanOrEqualTo(Math.max(1, previous));
          previous = step.length;
          for (int position : step) {
            seen[position]++;
          }
          total += step.length;
        }
        assertThat(total).isEqualTo(positions);
        assertThat(seen).as("%s", schedule).containsOnly(1);
        assertThat(schedule.steps()).isEqualTo(Math.min(steps, positions));
      }
    }
  }

  @Test
  void fewPositionsFirstAndMoreLater() {
    CodingSchedule schedule = CodingSchedule.of(7, 7, CodingSchedule.DEFAULT_STEPS);
    int[] sizes = schedule.sizes();
    assertThat(sizes).hasSize(12);
    assertThat(Arrays.stream(sizes).sum()).isEqualTo(49);
    assertThat(sizes[0]).isEqualTo(1);
    assertThat(sizes[11]).isGreaterThanOrEqualTo(5);
    CodingSchedule large = CodingSchedule.of(16, 16, 12);
    assertThat(large.sizes()[0]).isLessThan(large.sizes()[11] / 4);
  }

  @Test
  void theLowDiscrepancyOrderSpreadsTheFirstPositionsOverTheGrid() {
    CodingSchedule schedule = CodingSchedule.of(16, 16, 12);
    int[] order = schedule.order();
    // The first 16 positions touch every 4x4 block of the grid at most twice, unlike a raster order.
    int[] perBlock = new int[16];
    for (int i = 0; i < 16; i++) {
      int row = order[i] / 16;
      int column = order[i] % 16;
      perBlock[(row / 4) * 4 + column / 4]++;
    }
    assertThat(Arrays.stream(perBlock).max().getAsInt()).isLessThanOrEqualTo(2);
    assertThat(Arrays.stream(perBlock).filter(c -> c > 0).count()).isGreaterThanOrEqualTo(12);
  }

  @Test
  void theScheduleIsTheSameEveryTime() {
    assertThat(CodingSchedule.of(7, 7, 12).order()).isEqualTo(CodingSchedule.of(7, 7, 12).order());
    assertThat(CodingSchedule.of(7, 7, 12).toString()).contains("12 steps");
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> CodingSchedule.of(0, 7, 12)).hasMessageContaining("at least 1x1");
    assertThatThrownBy(() -> CodingSchedule.of(7, 7, 0)).hasMessageContaining("--prior-steps must be at least 1");
  }
}

package org.fsqspark.fsq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecommendedLevelsTest {
  @Test
  void publishedSizesGetThePapersLevels() {
    assertThat(RecommendedLevels.forCodebookSize(1 << 8).levels()).isEqualTo(Levels.of(8, 6, 5));
    assertThat(RecommendedLevels.forCodebookSize(1 << 10).levels()).isEqualTo(Levels.of(8, 5, 5, 5));
    assertThat(RecommendedLevels.forCodebookSize(1 << 12).levels()).isEqualTo(Levels.of(7, 5, 5, 5, 5));
    assertThat(RecommendedLevels.forCodebookSize(1 << 14).levels()).isEqualTo(Levels.of(8, 8, 8, 6, 5));
    assertThat(RecommendedLevels.forCodebookSize(1 << 16).levels()).isEqualTo(Levels.of(8, 8, 8, 5, 5, 5));
    assertThat(RecommendedLevels.forCodebookSize(1 << 16).fromPaper()).isTrue();
    for (var entry : RecommendedLevels.paperTable().entrySet()) {
      assertThat(entry.getValue().codebookSize()).as("paper set %s", entry.getValue())
          .isBetween(entry.getKey() * 7 / 8, entry.getKey() * 9 / 8);
    }
  }

  @Test
  void otherSizesAreSearchedWithAtLeastFiveLevelsPerChannel() {
    for (int target : new int[] {100, 1000, 5000, 1 << 13, 1 << 18, 1 << 20, 1 << 24, 1_000_000_000}) {
      RecommendedLevels.Suggestion suggestion = RecommendedLevels.forCodebookSize(target);
      Levels levels = suggestion.levels();
      for (int c = 0; c < levels.channels(); c++) {
        assertThat(levels.get(c)).isBetween(5, 16);
        if (c > 0) {
          assertThat(levels.get(c)).isLessThanOrEqualTo(levels.get(c - 1));
        }
      }
      assertThat(Math.abs(suggestion.relativeError())).as("error for %d: %s", target, levels).isLessThan(0.12);
    }
    assertThat(RecommendedLevels.forCodebookSize(1000).levels()).isEqualTo(Levels.of(8, 5, 5, 5));
    assertThat(RecommendedLevels.forCodebookSize(100).levels()).isEqualTo(Levels.of(10, 10));
    assertThat(RecommendedLevels.forCodebookSize(1 << 20).levels().get(0)).isLessThanOrEqualTo(8);
    assertThat(RecommendedLevels.forCodebookSize(64000).levels()).isEqualTo(Levels.of(8, 8, 8, 5, 5, 5));
  }

  @Test
  void tinyAndInvalidTargets() {
    assertThat(RecommendedLevels.forCodebookSize(7).levels()).isEqualTo(Levels.of(7));
    assertThatThrownBy(() -> RecommendedLevels.forCodebookSize(1)).hasMessageContaining("out of range");
    assertThatThrownBy(() -> RecommendedLevels.forCodebookSize(1L << 40)).hasMessageContaining("out of range");
  }
}

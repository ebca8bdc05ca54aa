package org.fsqspark.fsq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LevelsTest {
  @Test
  void codebookSizeIsTheProductAndBasisPutsChannelZeroLeastSignificant() {
    Levels levels = Levels.of(8, 5, 5, 5);
    assertThat(levels.codebookSize()).isEqualTo(1000);
    assertThat(levels.basis(0)).isEqualTo(1);
    assertThat(levels.basis(1)).isEqualTo(8);
    assertThat(levels.basis(2)).isEqualTo(40);
    assertThat(levels.basis(3)).isEqualTo(200);
    assertThat(levels.indexOf(new int[] {7, 0, 0, 0})).isEqualTo(7);
    assertThat(levels.indexOf(new int[] {0, 1, 0, 0})).isEqualTo(8);
    assertThat(Levels.of(8, 8, 8, 5, 5, 5).codebookSize()).isEqualTo(64000);
  }

  @Test
  void digitsAreTheInverseOfIndexOf() {
    Levels levels = Levels.of(7, 5, 5, 5, 5);
    int[] digits = new int[levels.channels()];
    for (int index = 0; index < levels.codebookSize(); index++) {
      levels.digitsOf(index, digits);
      assertThat(levels.indexOf(digits)).isEqualTo(index);
      for (int c = 0; c < digits.length; c++) {
        assertThat(levels.digitOf(index, c)).isEqualTo(digits[c]);
      }
    }
  }

  @Test
  void parseAcceptsTheCommonSpellings() {
    assertThat(Levels.parse("8,5,5,5")).isEqualTo(Levels.of(8, 5, 5, 5));
    assertThat(Levels.parse(" [8, 6, 5] ")).isEqualTo(Levels.of(8, 6, 5));
    assertThat(Levels.of(8, 5, 5, 5).toString()).isEqualTo("8,5,5,5");
  }

  @Test
  void invalidLevelsAreRejectedWithTheReason() {
    assertThatThrownBy(() -> Levels.of()).hasMessageContaining("at least one channel");
    assertThatThrownBy(() -> Levels.of(8, 1, 5)).hasMessageContaining("channel 1").hasMessageContaining("at least 2");
    assertThatThrownBy(() -> Levels.parse("8,x,5")).hasMessageContaining("'x' is not an integer");
    assertThatThrownBy(() -> Levels.parse(" ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Levels.of(1024, 1024, 1024, 2))
        .hasMessageContaining("int32");
    assertThatThrownBy(() -> Levels.of(8, 5).indexOf(new int[] {8, 0})).hasMessageContaining("outside 0..7");
    assertThatThrownBy(() -> Levels.of(8, 5).checkIndex(40)).hasMessageContaining("outside 0..39");
  }

  @Test
  void codebookMustFitInt32() {
    int[] thirty = new int[30];
    java.util.Arrays.fill(thirty, 2);
    assertThat(Levels.of(thirty).codebookSize()).isEqualTo(1 << 30);
    int[] thirtyOne = new int[31];
    java.util.Arrays.fill(thirtyOne, 2);
    assertThatThrownBy(() -> Levels.of(thirtyOne)).hasMessageContaining("int32");
  }

  @Test
  void warnsBelowThePapersHeuristic() {
    assertThat(Levels.of(8, 5, 5, 5).warnings()).isEmpty();
    assertThat(Levels.of(8, 4, 5).warnings()).singleElement().asString().contains("channel 1 has 4 levels");
  }
}

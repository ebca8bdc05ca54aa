package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which command lines start loading libtorch before their options are parsed. */
class EnginePreloadChoiceTest {
  @Test
  void aTokenizeRunPreloadsTheEngine() {
    assertThat(Main.preloadsEngine(new String[] {"tokenize", "--input", "in", "--output", "out"})).isTrue();
  }

  @Test
  void helpVersionAndOtherCommandsDoNot() {
    assertThat(Main.preloadsEngine(new String[] {})).isFalse();
    assertThat(Main.preloadsEngine(new String[] {"tokenize", "--help"})).isFalse();
    assertThat(Main.preloadsEngine(new String[] {"tokenize", "--input", "in", "-h"})).isFalse();
    assertThat(Main.preloadsEngine(new String[] {"--version"})).isFalse();
    assertThat(Main.preloadsEngine(new String[] {"levels", "--levels", "8,5,5,5"})).isFalse();
    assertThat(Main.preloadsEngine(new String[] {"stats", "--input", "t"})).isFalse();
  }
}

package org.fsqspark.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LaunchTimeTest {
  private static final long JVM_START = 1_800_000_000_000L;

  @Test
  void theLauncherStartIsUsedWhenItShortlyPrecedesTheJvm() {
    assertThat(LaunchTime.choose(String.valueOf(JVM_START - 850), JVM_START)).isEqualTo(JVM_START - 850);
    assertThat(LaunchTime.choose(" " + (JVM_START - 3) + "\n", JVM_START)).isEqualTo(JVM_START - 3);
  }

  @Test
  void anInheritedGarbledOrMissingValueFallsBackToTheJvmStart() {
    long inherited = JVM_START - LaunchTime.MAX_LAUNCHER_LEAD_MS - 1;
    assertThat(LaunchTime.choose(String.valueOf(inherited), JVM_START)).isEqualTo(JVM_START);
    assertThat(LaunchTime.choose(String.valueOf(JVM_START + 5_000), JVM_START)).as("after the JVM started")
        .isEqualTo(JVM_START);
    assertThat(LaunchTime.choose("17000000003N", JVM_START)).isEqualTo(JVM_START);
    assertThat(LaunchTime.choose("", JVM_START)).isEqualTo(JVM_START);
    assertThat(LaunchTime.choose(null, JVM_START)).isEqualTo(JVM_START);
  }
}

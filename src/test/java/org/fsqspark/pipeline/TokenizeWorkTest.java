package org.fsqspark.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenizeWorkTest {
  @Test
  void aOneCoreCpuTaskDecodesOnItsOwnThreadAndAGpuTaskDecodesAhead() {
    assertThat(TokenizeWork.decodeThreads(0, 1, false)).isZero();
    assertThat(TokenizeWork.decodeThreads(0, 4, false)).isEqualTo(3);
    assertThat(TokenizeWork.decodeThreads(0, 1, true)).isEqualTo(1);
    assertThat(TokenizeWork.decodeThreads(0, 4, true)).isEqualTo(4);
    assertThat(TokenizeWork.decodeThreads(2, 1, false)).isEqualTo(2);
  }
}

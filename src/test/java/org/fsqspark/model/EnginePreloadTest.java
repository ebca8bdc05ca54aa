package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The early load of libtorch that a tokenize command starts before parsing its options. */
class EnginePreloadTest {
  @Test
  void loadsTheBundledLibrariesOffline() {
    assertThat(EnginePreload.load()).isTrue();
    // The engine then starts on the libraries already loaded.
    assertThat(ai.djl.engine.Engine.getEngine("PyTorch").getVersion()).isEqualTo("2.7.1");
  }
}

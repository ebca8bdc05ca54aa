package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The background load of libtorch that a tokenize command starts before parsing its options. */
class EnginePreloadTest {
  @Test
  void loadsTheBundledLibrariesOfflineOnItsOwnThread() throws Exception {
    assertThat(EnginePreload.startInBackground().get(2, TimeUnit.MINUTES)).isTrue();
    // The engine then starts on the libraries already loaded.
    assertThat(ai.djl.engine.Engine.getEngine("PyTorch").getVersion()).isEqualTo("2.7.1");
  }
}

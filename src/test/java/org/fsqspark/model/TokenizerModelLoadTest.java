package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.io.ModelPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerModelLoadTest {
  @TempDir
  Path work;

  @Test
  void architectureMustAgreeWithTheManifest() throws Exception {
    ModelFolder folder = ModelPackage.bundledDefault().materialize(work);
    Path manifestFile = folder.directory().resolve(TokenizerManifest.FILE_NAME);
    String text = Files.readString(manifestFile);
    Files.writeString(manifestFile, text.replace("\"latent_channels\": 4", "\"latent_channels\": 3"));
    ModelFolder edited = ModelFolder.open(folder.directory());
    assertThatThrownBy(() -> TokenizerModel.load(edited, ai.djl.Device.cpu()))
        .hasMessageContaining("3 latent channels").hasMessageContaining("need 4");
  }
}

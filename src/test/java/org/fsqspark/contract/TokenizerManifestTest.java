package org.fsqspark.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.io.ModelPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerManifestTest {
  @TempDir
  Path work;

  @Test
  void bundledDefaultParsesAndRoundTrips() {
    TokenizerManifest manifest = TokenizerManifest.fromJson(ModelPackage.bundledDefault().manifestJson(), "default");
    assertThat(manifest.levels()).isEqualTo(Levels.of(8, 5, 5, 5));
    assertThat(manifest.bound()).isEqualTo(Bound.ATANH);
    assertThat(manifest.gridHeight()).isEqualTo(7);
    assertThat(manifest.tokensPerImage()).isEqualTo(49);
    assertThat(TokenizerManifest.fromJson(manifest.toJson(), "again")).isEqualTo(manifest);
  }

  @Test
  void cosmosStyleTorchScriptEncoderIsDescribable() {
    String cosmos = """
        {"name": "cosmos-di8x8", "version": "1.0", "format": "torchscript", "levels": [8, 8, 8, 5, 5, 5],
         "bound": "none", "channels": 3, "input_size": [256, 256], "resize": "center_crop",
         "pixel_range": [-1, 1], "input_dtype": "bfloat16", "downsample": 8, "output": "indices",
         "weights": "encoder.jit"}
        """;
    TokenizerManifest manifest = TokenizerManifest.fromJson(cosmos, "cosmos");
    assertThat(manifest.levels().codebookSize()).isEqualTo(64000);
    assertThat(manifest.output()).isEqualTo(EncoderOutput.INDICES);
    assertThat(manifest.gridWidth()).isEqualTo(32);
  }

  @Test
  void invalidManifestsSayWhatIsWrong() {
    String base = ModelPackage.bundledDefault().manifestJson();
    assertThatThrownBy(() -> TokenizerManifest.fromJson("{not json", "m.json"))
        .hasMessageContaining("m.json is not valid JSON");
    assertThatThrownBy(() -> TokenizerManifest.fromJson(base.replace("\"channels\": 1", "\"channels\": 2"), "m.json"))
        .hasMessageContaining("Invalid tokenizer manifest m.json").hasMessageContaining("channels must be 1 or 3");
    assertThatThrownBy(() -> TokenizerManifest.fromJson(base.replace("\"downsample\": 4", "\"downsample\": 5"), "m"))
        .hasMessageContaining("downsample 5 must divide input_size");
    assertThatThrownBy(() -> TokenizerManifest.fromJson(base.replace("\"bound\": \"atanh\"", "\"bound\": \"tan\""), "m"))
        .hasMessageContaining("Unknown bound 'tan'");
    assertThatThrownBy(() -> TokenizerManifest.fromJson(base.replace("\"weights\": \"encoder-0000.params\"",
        "\"weights\": \"../../etc/passwd\""), "m")).hasMessageContaining("weights must name a file beside");
  }

  @Test
  void weightsThatDoNotMatchTheChecksumAreRefused() throws Exception {
    ModelFolder folder = ModelPackage.bundledDefault().materialize(work);
    Files.write(folder.weights(), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> ModelFolder.open(folder.directory()))
        .hasMessageContaining("sha256").hasMessageContaining("do not belong together");
    assertThatThrownBy(() -> ModelFolder.open(work.resolve("nope"))).hasMessageContaining("does not exist");
  }
}

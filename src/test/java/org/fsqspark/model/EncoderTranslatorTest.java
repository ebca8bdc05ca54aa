package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadDataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The encoder's output on the CPU is quantized in Java; it must give the tensor quantizer's tokens. */
class EncoderTranslatorTest {
  private static NDManager manager;

  @BeforeAll
  static void startEngine() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void closeEngine() {
    manager.close();
  }

  private static TokenizerManifest manifest(String levels, String bound) {
    return TokenizerManifest.fromJson("{\"name\": \"t\", \"version\": \"1\", \"format\": \"torchscript\", \"levels\": "
        + levels + ", \"bound\": \"" + bound + "\", \"channels\": 3, \"input_size\": [28, 36], \"resize\": \"stretch\","
        + " \"pixel_range\": [0, 1], \"input_dtype\": \"float32\", \"downsample\": 4, \"output\": \"latents\","
        + " \"weights\": \"encoder.pt\"}", "test");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[8, 5, 5, 5]|atanh", "[8, 8, 8, 5, 5, 5]|paper", "[7, 6, 4]|symmetric", "[5, 3]|none"})
  void cpuTokensEqualTheTensorQuantizer(String setting) {
    String[] parts = setting.split("\\|");
    TokenizerManifest manifest = manifest(parts[0], parts[1]);
    int d = manifest.levels().channels();
    int batch = 5;
    Random random = new Random(3);
    float[] values = new float[batch * d * 7 * 9];
    for (int i = 0; i < values.length; i++) {
      values[i] = "none".equals(parts[1]) ? random.nextInt(3) - 1 : (float) (random.nextGaussian() * 1.5);
    }
    try (NDManager scope = manager.newSubManager()) {
      for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT16, DataType.FLOAT64}) {
        NDArray latents = scope.create(values, new Shape(batch, d, 7, 9)).toType(type, false);
        TokenBatch tokens = new EncoderTranslator(manifest, null).processOutput(null, new NDList(latents));
        int[] expected = new NDArrayQuantizer(manifest.levels(), manifest.bound()).indices(latents, 1).toIntArray();
        assertThat(tokens.count()).isEqualTo(batch);
        assertThat(tokens.gridHeight()).isEqualTo(7);
        assertThat(tokens.gridWidth()).isEqualTo(9);
        assertThat(tokens.tokens()).as("%s %s", setting, type).isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY})
  void aNonFiniteLatentIsTheImagesFault(float bad) {
    TokenizerManifest manifest = manifest("[8, 5, 5, 5]", "atanh");
    float[] values = new float[2 * 4 * 7 * 9];
    values[100] = bad;
    try (NDManager scope = manager.newSubManager()) {
      NDArray latents = scope.create(values, new Shape(2, 4, 7, 9));
      assertThatThrownBy(() -> new EncoderTranslator(manifest, null).processOutput(null, new NDList(latents)))
          .isInstanceOf(BadDataException.class).hasMessage("Latents (2, 4, 7, 9) contain NaN or infinite values: the encoder"
              + " produced a non-finite value");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void aWrongShapeIsNamed(int channels) {
    TokenizerManifest manifest = manifest("[8, 5, 5, 5]", "atanh");
    try (NDManager scope = manager.newSubManager()) {
      NDArray latents = scope.zeros(new Shape(2, channels == 3 ? 4 : channels, channels == 3 ? 8 : 7, 9));
      assertThatThrownBy(() -> new EncoderTranslator(manifest, null).processOutput(null, new NDList(latents)))
          .hasMessageContaining(channels == 3 ? "8x9 token grid but its manifest promises 7x9" : "need 4");
    }
  }
}

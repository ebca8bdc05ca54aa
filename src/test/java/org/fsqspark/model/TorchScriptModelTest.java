package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.fsqspark.contract.EncoderOutput;
import org.fsqspark.contract.ModelFormat;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.image.DecodedImage;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.io.ModelFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Cosmos-style TorchScript encoder (bfloat16 input in [-1, 1], FSQ inside, tuple output of indices,
 * codes and a dummy loss), made by src/test/resources/models/cosmos-style/make_fixture.py with torch.
 */
public class TorchScriptModelTest {
  public static final Path FIXTURE = Path.of("src/test/resources/models/cosmos-style");

  @TempDir
  Path work;

  @Test
  void givesTheSameIndicesAsTorchDid() throws Exception {
    ModelFolder folder = ModelFolder.open(copyOfFixture(work));
    TokenizerManifest manifest = folder.manifest();
    assertThat(manifest.format()).isEqualTo(ModelFormat.TORCHSCRIPT);
    assertThat(manifest.output()).isEqualTo(EncoderOutput.INDICES);

    Path png = FIXTURE.resolve("sample.png");
    DecodedImage image = new ImageDecoder().decode(Files.readAllBytes(png), png.toString());
    Preprocessor preprocessor = new Preprocessor(3, 64, 64, manifest.resize(), manifest.pixelMin(), manifest.pixelMax());
    float[] pixels = new float[preprocessor.valuesPerImage()];
    preprocessor.write(image, pixels, 0);

    JsonObject expected = JsonParser.parseString(Files.readString(FIXTURE.resolve("expected.json"))).getAsJsonObject();
    int[] expectedIndices = new int[expected.getAsJsonArray("indices").size()];
    for (int i = 0; i < expectedIndices.length; i++) {
      expectedIndices[i] = expected.getAsJsonArray("indices").get(i).getAsInt();
    }
    try (TokenizerModel model = TokenizerModel.load(folder, Device.cpu());
        Predictor<PixelBatch, TokenBatch> predictor = model.newPredictor()) {
      TokenBatch tokens = predictor.predict(new PixelBatch(pixels, 1, 3, 64, 64));
      assertThat(tokens.gridHeight()).isEqualTo(8);
      assertThat(tokens.gridWidth()).isEqualTo(8);
      assertThat(tokens.image(0)).containsExactly(expectedIndices);
    }
  }

  /** The fixture folder copied to a temporary place, as a user's model folder would be. */
  public static Path copyOfFixture(Path parent) throws Exception {
    Path target = Files.createDirectories(parent.resolve("cosmos-style"));
    try (Stream<Path> files = Files.list(FIXTURE)) {
      for (Path file : files.filter(p -> p.getFileName().toString().matches("encoder\\.pt|tokenizer\\.json")).toList()) {
        Files.copy(file, target.resolve(file.getFileName()));
      }
    }
    return target;
  }
}

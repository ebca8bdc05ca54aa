package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.io.SampleImages;
import org.fsqspark.model.ConvAutoencoder;
import org.fsqspark.model.TorchScriptModelTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that cannot run fails tokenize and decode on the driver with one line naming the user's model
 * folder and exit code 2, before any output exists, instead of one reject per image or a stack trace naming
 * the temporary folder the model was copied to (issue 10, item 9).
 */
class ModelCheckTest {
  @TempDir
  static Path work;

  private static Path images;
  private static Path tokens;

  @BeforeAll
  static void tokenize() throws Exception {
    images = work.resolve("images");
    SampleImages.writePngs(images, 8);
    tokens = work.resolve("tokens");
    CliRunner.Result made = CliRunner.run("tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
        tokens.toString(), "--progress-interval", "0");
    assertThat(made.exitCode()).as(made.err()).isZero();
  }

  @Test
  void randomBytesForWeightsFailBeforeTheJobNamingTheModelFolder() throws Exception {
    Path model = copyOfDefault("random-encoder");
    randomize(model.resolve("encoder-0000.params"));
    editManifest(model, json -> json.remove("sha256"));
    // DJL reads these bytes as a parameter file without parameters (what used to reject every image).
    expectRefused(model, "Model " + model + " cannot encode 2 synthetic 28x28 images: The array for parameter"
        + " \"weight\" has not been initialized", "tokenize", "--input", images.toString());
  }

  @Test
  void nanLatentsFailBeforeTheJob() throws Exception {
    Path model = copyOfDefault("nan-encoder");
    ConvAutoencoder architecture = ConvAutoencoder.fromJson(ModelFolder.open(model).manifest().architecture());
    try (Model encoder = Model.newInstance("encoder", Device.cpu(), "PyTorch")) {
      encoder.setBlock(architecture.encoder());
      // Saving needs the block's input shapes, which only initialize() records.
      encoder.getBlock().initialize(encoder.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
      encoder.load(model, "encoder");
      for (Pair<String, Parameter> parameter : encoder.getBlock().getParameters()) {
        NDArray array = parameter.getValue().getArray();
        float[] nan = new float[Math.toIntExact(array.size())];
        Arrays.fill(nan, Float.NaN);
        array.set(FloatBuffer.wrap(nan));
      }
      encoder.setProperty("Epoch", "0");
      encoder.save(model, "encoder");
    }
    String sha256 = ModelFolder.sha256(model.resolve("encoder-0000.params"));
    editManifest(model, json -> json.addProperty("sha256", sha256));
    expectRefused(model, "Model " + model + " cannot encode 2 synthetic 28x28 images: Latents (2, 4, 7, 7) contain NaN"
        + " or infinite values", "tokenize", "--input", images.toString());
  }

  @Test
  void aGridThatDisagreesWithDownsampleFailsBeforeTheJob() throws Exception {
    Path model = TorchScriptModelTest.copyOfFixture(work);
    // The same weights run first under their own manifest, so this JVM holds them loaded: the edited
    // manifest must still be checked as the other model it is.
    CliRunner.Result unchanged = CliRunner.run("tokenize", "--input", images.toString(), "--output",
        work.resolve("unchanged-cosmos").toString(), "--model", model.toString(), "--master", "local[1]",
        "--progress-interval", "0");
    assertThat(unchanged.exitCode()).as(unchanged.err()).isZero();
    editManifest(model, json -> json.addProperty("downsample", 4));
    expectRefused(model, "Model " + model + " cannot encode 2 synthetic 64x64 images: Encoder cosmos-style-test-encoder"
        + " produced a 8x8 token grid but its manifest promises 16x16", "tokenize", "--input", images.toString());
  }

  @Test
  void aDtypeOrOutputKindTheModelDoesNotHaveFailsBeforeTheJob() throws Exception {
    Path halfPrecision = copyOfDefault("float16");
    editManifest(halfPrecision, json -> json.addProperty("input_dtype", "float16"));
    expectRefused(halfPrecision, "Model " + halfPrecision + " cannot encode 2 synthetic 28x28 images: Input type"
        + " (c10::Half) and bias type (float) should be the same", "tokenize", "--input", images.toString());
    Path latents = TorchScriptModelTest.copyOfFixture(work.resolve("latents"));
    editManifest(latents, json -> {
      json.addProperty("output", "latents");
      json.addProperty("bound", "atanh");
    });
    expectRefused(latents, "Model " + latents + " cannot encode 2 synthetic 64x64 images: Encoder"
        + " cosmos-style-test-encoder returned shape (2, 8, 8) but manifest output 'latents' expects B x 6 x h x w"
        + " latents", "tokenize", "--input", images.toString());
  }

  @Test
  void aDecoderOfRandomBytesFailsBeforeTheJob() throws Exception {
    Path model = copyOfDefault("random-decoder");
    randomize(model.resolve("decoder-0000.params"));
    editManifest(model, json -> json.remove("decoder_sha256"));
    expectRefused(model, "Model " + model + " cannot decode a synthetic 7x7 token grid: The array for parameter"
        + " \"weight\" has not been initialized", "decode", "--input", tokens.toString());
  }

  private static Path copyOfDefault(String name) {
    return ModelPackage.bundledDefault().materialize(work.resolve(name)).directory();
  }

  private static void randomize(Path file) throws Exception {
    byte[] bytes = new byte[Math.toIntExact(Files.size(file))];
    new Random(7).nextBytes(bytes);
    Files.write(file, bytes);
  }

  private static void editManifest(Path model, java.util.function.Consumer<JsonObject> edit) throws Exception {
    Path manifest = model.resolve(TokenizerManifest.FILE_NAME);
    JsonObject json = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    edit.accept(json);
    Files.writeString(manifest, json.toString());
  }

  /** The command fails with exit 2 and one line naming the model folder, and never creates its --output. */
  private static void expectRefused(Path model, String message, String... args) {
    Path output = work.resolve("out-" + model.getFileName() + "-" + args[0]);
    String[] withOutput = Arrays.copyOf(args, args.length + 6);
    System.arraycopy(new String[] {"--output", output.toString(), "--model", model.toString(), "--master", "local[1]"},
        0, withOutput, args.length, 6);
    CliRunner.Result result = CliRunner.run(withOutput);
    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    String[] lines = result.err().strip().split("\n");
    assertThat(lines).as("one line: %s", result.err()).hasSize(1);
    assertThat(lines[0]).startsWith("fsq " + args[0] + ": error: ").contains(message)
        .doesNotContain("fsq-spark-models-").doesNotContain("fsq-spark-check-");
    assertThat(output).as("nothing written").doesNotExist();
  }
}

package org.fsqspark.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.SequentialBlock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fsqspark.contract.EncoderOutput;
import org.fsqspark.contract.ModelFormat;
import org.fsqspark.contract.ResizePolicy;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.contract.VqCodebook;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.model.ConvAutoencoder;

/**
 * The model folder a training run leaves: {@code tokenizer.json}, encoder and decoder weights, and for VQ the
 * learned codebook, which tokenize and decode load as-is.
 */
final class ModelWriter {
  private final TrainConfig config;

  ModelWriter(TrainConfig config) {
    this.config = config;
  }

  void save(ConvAutoencoder architecture, AutoencoderBlock autoencoder, Device device, TrainingImages images) {
    Path output = config.output();
    try {
      Files.createDirectories(output);
      String encoderFile = saveBlock(autoencoder.encoder(), "encoder", device, output);
      String decoderFile = saveBlock(autoencoder.decoder(), "decoder", device, output);
      VqCodebook codebook = null;
      Levels levels = config.levels();
      Bound bound = config.bound();
      if (autoencoder.quantizer() instanceof QuantizerStep.Vq vq) {
        Path file = output.resolve("codebook.f32");
        writeFloats(file, vq.codebook(null));
        codebook = new VqCodebook("codebook.f32", ModelFolder.sha256(file), vq.size(), vq.dimension());
        levels = Levels.of(vq.size());
        bound = Bound.NONE;
      }
      TokenizerManifest manifest = new TokenizerManifest(config.name(), "1", ModelFormat.DJL, levels, bound,
          images.channels(), images.height(), images.width(), ResizePolicy.CENTER_CROP, 0f, 1f, "float32",
          architecture.downsample(), EncoderOutput.LATENTS, encoderFile, ModelFolder.sha256(output.resolve(encoderFile)),
          architecture.toJson(), decoderFile, ModelFolder.sha256(output.resolve(decoderFile)), codebook);
      Files.writeString(output.resolve(TokenizerManifest.FILE_NAME), manifest.toJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the model folder " + output, e);
    }
  }

  private static String saveBlock(SequentialBlock block, String name, Device device, Path output) throws IOException {
    try (Model part = Model.newInstance(name, device)) {
      part.setBlock(block);
      part.setProperty("Epoch", "0");
      part.save(output, name);
    }
    return name + "-0000.params";
  }

  private static void writeFloats(Path file, float[] values) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    Files.write(file, buffer.array());
  }
}

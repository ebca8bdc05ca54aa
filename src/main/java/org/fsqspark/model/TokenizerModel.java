package org.fsqspark.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;

/**
 * A loaded encoder and its manifest: the one model interface every format goes through. Thread-safe to
 * share; each thread takes its own {@link Predictor} from {@link #newPredictor()} and closes it.
 */
public final class TokenizerModel implements AutoCloseable {
  private final TokenizerManifest manifest;
  private final ZooModel<PixelBatch, TokenBatch> model;
  private final Device device;

  private TokenizerModel(TokenizerManifest manifest, ZooModel<PixelBatch, TokenBatch> model, Device device) {
    this.manifest = manifest;
    this.model = model;
    this.device = device;
  }

  /** Loads the encoder of a model folder onto a device through DJL's PyTorch engine. */
  public static TokenizerModel load(ModelFolder folder, Device device) {
    TokenizerManifest manifest = folder.manifest();
    Criteria.Builder<PixelBatch, TokenBatch> criteria = Criteria.builder()
        .setTypes(PixelBatch.class, TokenBatch.class)
        .optEngine("PyTorch")
        .optDevice(device)
        .optTranslator(new EncoderTranslator(manifest));
    String weights = manifest.weights();
    if (manifest.format() == ModelFormat.DJL) {
      ConvAutoencoder architecture = ConvAutoencoder.fromJson(manifest.architecture());
      checkArchitecture(manifest, architecture);
      criteria.optModelPath(folder.directory())
          .optModelName(paramsPrefix(weights))
          .optBlock(architecture.encoder());
    } else {
      criteria.optModelPath(folder.weights()).optOption("mapLocation", "true");
    }
    try {
      return new TokenizerModel(manifest, criteria.build().loadModel(), device);
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw new IllegalStateException("Cannot load model " + folder + ": " + e.getMessage(), e);
    }
  }

  public TokenizerManifest manifest() {
    return manifest;
  }

  public Device device() {
    return device;
  }

  /** A new inference session; not thread-safe, close it when the thread is done. */
  public Predictor<PixelBatch, TokenBatch> newPredictor() {
    return model.newPredictor();
  }

  @Override
  public void close() {
    model.close();
  }

  /** DJL names parameter files {@code prefix-0001.params}; the model name it wants is the prefix. */
  static String paramsPrefix(String weights) {
    String name = weights.endsWith(".params") ? weights.substring(0, weights.length() - ".params".length()) : weights;
    return name.replaceFirst("-\\d{4}$", "");
  }

  private static void checkArchitecture(TokenizerManifest manifest, ConvAutoencoder architecture) {
    if (architecture.latentChannels() != manifest.levels().channels()) {
      throw new IllegalArgumentException("Model " + manifest.name() + " has " + architecture.latentChannels()
          + " latent channels but its levels " + manifest.levels() + " need " + manifest.levels().channels());
    }
    if (architecture.imageChannels() != manifest.channels()) {
      throw new IllegalArgumentException("Model " + manifest.name() + " reads " + architecture.imageChannels()
          + " image channels but its manifest says channels = " + manifest.channels());
    }
    if (architecture.downsample() != manifest.downsample()) {
      throw new IllegalArgumentException("Model " + manifest.name() + " downsamples by " + architecture.downsample()
          + " but its manifest says downsample = " + manifest.downsample());
    }
  }
}

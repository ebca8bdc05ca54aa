package org.fsqspark.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.Model;
import ai.djl.nn.SequentialBlock;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.fsqspark.contract.ModelFormat;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;
import org.fsqspark.io.ModelFolder;

/**
 * A loaded encoder and its manifest: the one model interface every format goes through. Thread-safe to
 * share; each thread takes its own {@link Predictor} from {@link #newPredictor()} and closes it.
 */
public final class TokenizerModel implements AutoCloseable, PredictorSource<PixelBatch, TokenBatch> {
  private static final String BFLOAT16_CAST = "/org/fsqspark/model/to_bfloat16.pt";

  private final TokenizerManifest manifest;
  private final ZooModel<PixelBatch, TokenBatch> model;
  private final Model inputCast;
  private final Device device;

  private TokenizerModel(TokenizerManifest manifest, ZooModel<PixelBatch, TokenBatch> model, Model inputCast,
      Device device) {
    this.manifest = manifest;
    this.model = model;
    this.inputCast = inputCast;
    this.device = device;
  }

  /** Loads the encoder of a model folder onto a device through DJL's PyTorch engine. */
  public static TokenizerModel load(ModelFolder folder, Device device) {
    TokenizerManifest manifest = folder.manifest();
    Criteria.Builder<PixelBatch, TokenBatch> criteria = Criteria.builder()
        .setTypes(PixelBatch.class, TokenBatch.class)
        .optEngine("PyTorch")
        .optDevice(device)
        .optTranslator(new EncoderTranslator(manifest, manifest.vq() == null ? null
            : new VectorQuantizer(folder.codebook(), manifest.vq().size(), manifest.vq().dimension())));
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
      ZooModel<PixelBatch, TokenBatch> loaded = criteria.build().loadModel();
      Model cast = null;
      if ("bfloat16".equals(manifest.inputDtype())) {
        cast = loadBfloat16Cast(device);
        loaded.setBlock(new SequentialBlock().add(cast.getBlock()).add(loaded.getBlock()));
      }
      return new TokenizerModel(manifest, loaded, cast, device);
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw new IllegalStateException("Cannot load model " + folder + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
  }

  public TokenizerManifest manifest() {
    return manifest;
  }

  public Device device() {
    return device;
  }

  @Override
  public Predictor<PixelBatch, TokenBatch> newPredictor() {
    return model.newPredictor();
  }

  @Override
  public void close() {
    model.close();
    if (inputCast != null) {
      inputCast.close();
    }
  }

  /**
   * A one-line TorchScript module, {@code x.to(torch.bfloat16)}, run in front of encoders that want bfloat16
   * input: DJL 0.36's PyTorch engine aborts the whole JVM when Java code creates or casts to a bfloat16
   * tensor, while tensors that libtorch itself makes bfloat16 pass through fine.
   */
  private static Model loadBfloat16Cast(Device device) throws IOException, MalformedModelException {
    Model cast = Model.newInstance("to_bfloat16", device, "PyTorch");
    try (InputStream in = TokenizerModel.class.getResourceAsStream(BFLOAT16_CAST)) {
      if (in == null) {
        throw new IOException(BFLOAT16_CAST + " is missing from the classpath; rebuild with scripts/make-bfloat16-cast");
      }
      cast.load(in, Map.of("mapLocation", "true"));
    }
    return cast;
  }

  /** DJL names parameter files {@code prefix-0001.params}; the model name it wants is the prefix. */
  static String paramsPrefix(String weights) {
    String name = weights.endsWith(".params") ? weights.substring(0, weights.length() - ".params".length()) : weights;
    return name.replaceFirst("-\\d{4}$", "");
  }

  private static void checkArchitecture(TokenizerManifest manifest, ConvAutoencoder architecture) {
    if (architecture.latentChannels() != manifest.latentChannels()) {
      throw new BadInputException("Model " + manifest.name() + " has " + architecture.latentChannels()
          + " latent channels but its " + (manifest.vq() != null ? "codebook vectors have " + manifest.latentChannels()
          : "levels " + manifest.levels() + " need " + manifest.latentChannels()));
    }
    if (architecture.imageChannels() != manifest.channels()) {
      throw new BadInputException("Model " + manifest.name() + " reads " + architecture.imageChannels()
          + " image channels but its manifest says channels = " + manifest.channels());
    }
    if (architecture.downsample() != manifest.downsample()) {
      throw new BadInputException("Model " + manifest.name() + " downsamples by " + architecture.downsample()
          + " but its manifest says downsample = " + manifest.downsample());
    }
  }
}

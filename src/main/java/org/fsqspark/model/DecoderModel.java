package org.fsqspark.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import org.fsqspark.contract.ModelFormat;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;
import org.fsqspark.io.ModelFolder;

/** The decoder of a model folder: token indices to pixels in the manifest's pixel range. */
public final class DecoderModel implements AutoCloseable, PredictorSource<TokenBatch, PixelBatch> {
  private final TokenizerManifest manifest;
  private final ZooModel<TokenBatch, PixelBatch> model;

  private DecoderModel(TokenizerManifest manifest, ZooModel<TokenBatch, PixelBatch> model) {
    this.manifest = manifest;
    this.model = model;
  }

  /** Loads the decoder; only {@code djl}-format models trained by fsq-spark carry one. */
  public static DecoderModel load(ModelFolder folder, Device device) {
    TokenizerManifest manifest = folder.manifest();
    if (manifest.format() != ModelFormat.DJL || manifest.decoderWeights() == null) {
      throw new BadInputException("Model " + folder + " has no decoder fsq-spark can run (decode needs a djl"
          + " model from fsq train, whose manifest names decoder_weights)");
    }
    ConvAutoencoder architecture = ConvAutoencoder.fromJson(manifest.architecture());
    VectorQuantizer vq = manifest.vq() == null ? null
        : new VectorQuantizer(folder.codebook(), manifest.vq().size(), manifest.vq().dimension());
    Criteria<TokenBatch, PixelBatch> criteria = Criteria.builder()
        .setTypes(TokenBatch.class, PixelBatch.class)
        .optEngine("PyTorch")
        .optDevice(device)
        .optModelPath(folder.directory())
        .optModelName(TokenizerModel.paramsPrefix(manifest.decoderWeights()))
        .optBlock(architecture.decoder())
        .optTranslator(new DecoderTranslator(manifest, vq))
        .build();
    try {
      return new DecoderModel(manifest, criteria.loadModel());
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw new IllegalStateException("Cannot load the decoder of " + folder + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
  }

  public TokenizerManifest manifest() {
    return manifest;
  }

  @Override
  public Predictor<TokenBatch, PixelBatch> newPredictor() {
    return model.newPredictor();
  }

  @Override
  public void close() {
    model.close();
  }
}

package org.fsqspark.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Encoder, quantizer, decoder as one block: input pixels, output (reconstruction, auxiliary loss). */
final class AutoencoderBlock extends AbstractBlock {
  private final SequentialBlock encoder;
  private final QuantizerStep quantizer;
  private final SequentialBlock decoder;

  AutoencoderBlock(SequentialBlock encoder, QuantizerStep quantizer, SequentialBlock decoder) {
    this.encoder = addChildBlock("encoder", encoder);
    this.quantizer = addChildBlock("quantizer", quantizer);
    this.decoder = addChildBlock("decoder", decoder);
  }

  SequentialBlock encoder() {
    return encoder;
  }

  QuantizerStep quantizer() {
    return quantizer;
  }

  SequentialBlock decoder() {
    return decoder;
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDList latents = encoder.forward(store, inputs, training);
    NDList quantized = quantizer.forward(store, latents, training);
    NDList reconstruction = decoder.forward(store, new NDList(quantized.get(0)), training);
    return new NDList(reconstruction.singletonOrThrow(), quantized.get(1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0], new Shape()};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    encoder.initialize(manager, dataType, inputShapes);
    Shape[] latent = encoder.getOutputShapes(inputShapes);
    quantizer.initialize(manager, dataType, latent);
    decoder.initialize(manager, dataType, latent);
  }
}

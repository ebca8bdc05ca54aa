package org.fsqspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import org.fsqspark.contract.TokenizerManifest;

/**
 * Token indices in, pixels out: turns indices into the decoder's input codes on the model's device
 * (normalised FSQ codes, or VQ codebook vectors) and reads the reconstruction back as NCHW floats.
 */
final class DecoderTranslator implements NoBatchifyTranslator<TokenBatch, PixelBatch> {
  private final TokenizerManifest manifest;
  private final NDArrayQuantizer fsq;
  private final VectorQuantizer vq;

  DecoderTranslator(TokenizerManifest manifest, VectorQuantizer vq) {
    this.manifest = manifest;
    this.vq = vq;
    this.fsq = vq == null ? new NDArrayQuantizer(manifest.levels(), manifest.bound()) : null;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, TokenBatch tokens) {
    NDArray indices = ctx.getNDManager().create(
        java.nio.IntBuffer.wrap(tokens.tokens(), 0, tokens.count() * tokens.gridHeight() * tokens.gridWidth()),
        new Shape(tokens.count(), tokens.gridHeight(), tokens.gridWidth()));
    NDArray codes = vq != null ? vq.codesOfIndices(indices) : fsq.codesOfIndices(indices, 1);
    return new NDList(codes.toType(DataType.FLOAT32, false));
  }

  @Override
  public PixelBatch processOutput(TranslatorContext ctx, NDList outputs) {
    NDArray pixels = outputs.singletonOrThrow().toType(DataType.FLOAT32, false);
    Shape shape = pixels.getShape();
    return new PixelBatch(pixels.toFloatArray(), (int) shape.get(0), (int) shape.get(1), (int) shape.get(2),
        (int) shape.get(3));
  }
}

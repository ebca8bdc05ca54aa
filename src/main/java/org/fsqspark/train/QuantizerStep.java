package org.fsqspark.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;
import org.fsqspark.model.NDArrayQuantizer;
import org.fsqspark.model.VectorQuantizer;

/**
 * The bottleneck between encoder and decoder during training. Input: latents B x d x h x w. Output: the
 * quantized latents with a straight-through gradient, and the auxiliary loss (always zero for FSQ).
 */
abstract class QuantizerStep extends AbstractBlock {
  /** Token indices (INT32, B x h x w) of latents, for validation. */
  abstract NDArray indices(ParameterStore store, NDArray latents);

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0], new Shape()};
  }

  /** FSQ: bound, round with the straight-through estimator, normalise. No parameters, no auxiliary loss. */
  static final class Fsq extends QuantizerStep {
    private final NDArrayQuantizer quantizer;

    Fsq(Levels levels, Bound bound) {
      this.quantizer = new NDArrayQuantizer(levels, bound);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
        PairList<String, Object> params) {
      NDArray z = inputs.singletonOrThrow();
      return new NDList(quantizer.quantizeWithStraightThrough(z, 1), z.getManager().zeros(new Shape()));
    }

    @Override
    NDArray indices(ParameterStore store, NDArray latents) {
      return quantizer.indices(latents, 1);
    }
  }

  /**
   * The VQ-VAE baseline as in the FSQ paper's comparison: a learned codebook, nearest-neighbour lookup,
   * straight-through gradient, codebook loss |sg(z) - e|^2 plus commitment loss beta |z - sg(e)|^2, and none
   * of the extra tricks (no codebook reseeding, no entropy penalty, no EMA).
   */
  static final class Vq extends QuantizerStep {
    private final Parameter codebook;
    private final int size;
    private final int dimension;
    private final float beta;

    Vq(int size, int dimension, float beta) {
      this.size = size;
      this.dimension = dimension;
      this.beta = beta;
      this.codebook = addParameter(Parameter.builder().setName("codebook").setType(Parameter.Type.WEIGHT)
          .optShape(new Shape(size, dimension)).optInitializer(new UniformInitializer(1f / size)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
        PairList<String, Object> params) {
      NDArray z = inputs.singletonOrThrow();
      Shape shape = z.getShape();
      NDArray e = store.getValue(codebook, z.getDevice(), training);
      NDArray flat = z.transpose(0, 2, 3, 1).reshape(-1, dimension);
      NDArray nearest = VectorQuantizer.nearest(flat.stopGradient(), e);
      NDArray q = e.get(nearest);
      // Results attach to their left operand's manager; keep this step's arrays with the batch, not the model.
      q.attach(z.getManager());
      NDArray codebookLoss = q.sub(flat.stopGradient()).square().mean();
      NDArray commitmentLoss = flat.sub(q.stopGradient()).square().mean().mul(beta);
      NDArray straightThrough = flat.add(q.sub(flat).stopGradient());
      NDArray out = straightThrough.reshape(shape.get(0), shape.get(2), shape.get(3), dimension).transpose(0, 3, 1, 2);
      return new NDList(out, codebookLoss.add(commitmentLoss));
    }

    @Override
    NDArray indices(ParameterStore store, NDArray latents) {
      Shape shape = latents.getShape();
      NDArray e = store.getValue(codebook, latents.getDevice(), false);
      NDArray flat = latents.transpose(0, 2, 3, 1).reshape(-1, dimension);
      return VectorQuantizer.nearest(flat, e).toType(DataType.INT32, false)
          .reshape(shape.get(0), shape.get(2), shape.get(3));
    }

    /** The current codebook as floats, row after row. */
    float[] codebook(NDManager manager) {
      return codebook.getArray().toType(DataType.FLOAT32, false).toFloatArray();
    }

    int size() {
      return size;
    }

    int dimension() {
      return dimension;
    }
  }
}

package org.fsqspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.fsqspark.error.BadDataException;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.FiniteScalarQuantizer;
import org.fsqspark.fsq.Levels;

/**
 * The FSQ twin of {@link FiniteScalarQuantizer} on DJL NDArrays, for whole batches on the model's device.
 *
 * <p>Same formulas; half precision inputs are widened to float32 first, and integer arithmetic is used for
 * the index so codebooks above 2^24 stay exact. {@link #quantizeWithStraightThrough} is the training form:
 * forward is the rounded code, the gradient passes through the rounding as identity.
 */
public final class NDArrayQuantizer {
  private final Levels levels;
  private final Bound bound;
  private final double[] halfL;
  private final double[] offset;
  private final double[] shift;
  private final double[] halfWidth;
  private final int[] basis;

  public NDArrayQuantizer(Levels levels, Bound bound) {
    new FiniteScalarQuantizer(levels, bound); // same validation as the plain quantizer
    this.levels = levels;
    this.bound = bound;
    int d = levels.channels();
    halfL = new double[d];
    offset = new double[d];
    shift = new double[d];
    halfWidth = new double[d];
    basis = new int[d];
    for (int c = 0; c < d; c++) {
      int l = levels.get(c);
      offset[c] = l % 2 == 0 ? 0.5 : 0;
      halfWidth[c] = l / 2;
      basis[c] = levels.basis(c);
      switch (bound) {
        case ATANH -> {
          double h = (l - 1) * (1 + Bound.EPS) / 2;
          halfL[c] = h;
          shift[c] = 0.5 * Math.log((1 + offset[c] / h) / (1 - offset[c] / h));
        }
        case PAPER -> {
          double h = (l - 1) * (1 - Bound.EPS) / 2;
          halfL[c] = h;
          shift[c] = Math.tan(offset[c] / h);
        }
        case SYMMETRIC -> halfL[c] = (l - 1) / 2.0;
        default -> { }
      }
    }
  }

  public Levels levels() {
    return levels;
  }

  /** Level digits in {@code 0..L-1} (INT32), same shape as {@code latents}; channels on {@code channelAxis}. */
  public NDArray digits(NDArray latents, int channelAxis) {
    NDArray z = widen(latents);
    checkChannels(z, channelAxis);
    checkFinite(z);
    NDManager manager = z.getManager();
    NDArray digits = switch (bound) {
      case ATANH, PAPER -> z.add(constant(manager, shift, z, channelAxis)).tanh()
          .mul(constant(manager, halfL, z, channelAxis)).sub(constant(manager, offset, z, channelAxis))
          .round().add(constant(manager, halfWidth, z, channelAxis));
      case SYMMETRIC -> z.tanh().add(1).mul(constant(manager, halfL, z, channelAxis)).add(0.5).floor();
      case NONE -> z.round().add(constant(manager, halfWidth, z, channelAxis));
    };
    NDArray result = digits.toType(DataType.INT32, false);
    if (bound == Bound.NONE) {
      checkNoneRange(result, channelAxis);
    }
    return result;
  }

  /** Token indices (INT32): the channel axis is summed away with the mixed-radix basis. */
  public NDArray indices(NDArray latents, int channelAxis) {
    NDArray digits = digits(latents, channelAxis);
    NDArray basisArray = digits.getManager().create(basis, broadcastShape(digits, channelAxis));
    return digits.mul(basisArray).sum(new int[] {normalise(digits, channelAxis)}).toType(DataType.INT32, false);
  }

  /** Normalised codes in [-1, 1] with the straight-through estimator, for training. */
  public NDArray quantizeWithStraightThrough(NDArray latents, int channelAxis) {
    NDArray z = widen(latents);
    checkChannels(z, channelAxis);
    NDManager manager = z.getManager();
    if (bound == Bound.SYMMETRIC) {
      NDArray bracket = z.tanh().add(1).mul(constant(manager, halfL, z, channelAxis)).add(0.5);
      NDArray digit = bracket.add(bracket.floor().sub(bracket).stopGradient());
      NDArray lMinus1 = constant(manager, halfL, z, channelAxis).mul(2);
      return digit.mul(2).sub(lMinus1).div(lMinus1);
    }
    NDArray bounded = bound == Bound.NONE ? z : z.add(constant(manager, shift, z, channelAxis)).tanh()
        .mul(constant(manager, halfL, z, channelAxis)).sub(constant(manager, offset, z, channelAxis));
    NDArray rounded = bounded.add(bounded.round().sub(bounded).stopGradient());
    return rounded.div(constant(manager, halfWidth, z, channelAxis));
  }

  /** Normalised codes (float32) of token indices; the new channel axis is inserted at {@code channelAxis}. */
  public NDArray codesOfIndices(NDArray indices, int channelAxis) {
    // float64 holds every int32 index exactly, so floor division there is exact.
    NDArray idx = indices.toType(DataType.FLOAT64, false).expandDims(channelAxis);
    NDManager manager = idx.getManager();
    Shape shape = broadcastShape(idx, channelAxis);
    double[] basisValues = new double[basis.length];
    double[] levelValues = new double[basis.length];
    for (int c = 0; c < basis.length; c++) {
      basisValues[c] = basis[c];
      levelValues[c] = levels.get(c);
    }
    NDArray digits = idx.div(manager.create(basisValues, shape)).floor()
        .mod(manager.create(levelValues, shape)).toType(DataType.FLOAT32, false);
    if (bound == Bound.SYMMETRIC) {
      float[] lMinus1 = new float[levels.channels()];
      for (int c = 0; c < lMinus1.length; c++) {
        lMinus1[c] = levels.get(c) - 1;
      }
      NDArray l = manager.create(lMinus1, shape);
      return digits.mul(2).sub(l).div(l);
    }
    NDArray half = manager.create(toFloats(halfWidth), shape);
    return digits.sub(half).div(half);
  }

  private static NDArray widen(NDArray latents) {
    DataType type = latents.getDataType();
    if (type == DataType.FLOAT32 || type == DataType.FLOAT64) {
      return latents;
    }
    return latents.toType(DataType.FLOAT32, false);
  }

  private void checkChannels(NDArray z, int channelAxis) {
    long actual = z.getShape().get(normalise(z, channelAxis));
    if (actual != levels.channels()) {
      throw new IllegalArgumentException("Latents " + z.getShape() + " have " + actual + " channels on axis "
          + channelAxis + " but levels " + levels + " need " + levels.channels());
    }
  }

  private static void checkFinite(NDArray z) {
    if (z.isNaN().any().getBoolean() || z.isInfinite().any().getBoolean()) {
      throw new BadDataException("Latents " + z.getShape() + " contain NaN or infinite values: "
          + "the encoder produced a non-finite value");
    }
  }

  private void checkNoneRange(NDArray digits, int channelAxis) {
    NDArray upper = digits.getManager().create(levels.toArray(), broadcastShape(digits, channelAxis));
    if (digits.lt(0).any().getBoolean() || digits.gte(upper).any().getBoolean()) {
      throw new BadDataException("Latents are outside the levels " + levels
          + " that the 'none' bound accepts; the encoder must emit centred integer levels");
    }
  }

  private NDArray constant(NDManager manager, double[] values, NDArray like, int channelAxis) {
    Shape shape = broadcastShape(like, channelAxis);
    if (like.getDataType() == DataType.FLOAT64) {
      return manager.create(values, shape);
    }
    return manager.create(toFloats(values), shape);
  }

  private static float[] toFloats(double[] values) {
    float[] narrow = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      narrow[i] = (float) values[i];
    }
    return narrow;
  }

  private Shape broadcastShape(NDArray like, int channelAxis) {
    long[] dims = new long[like.getShape().dimension()];
    java.util.Arrays.fill(dims, 1);
    dims[normalise(like, channelAxis)] = levels.channels();
    return new Shape(dims);
  }

  private static int normalise(NDArray array, int axis) {
    return axis < 0 ? array.getShape().dimension() + axis : axis;
  }
}

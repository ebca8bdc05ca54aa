package org.fsqspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.fsqspark.error.BadDataException;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.ChannelRule;
import org.fsqspark.fsq.FiniteScalarQuantizer;
import org.fsqspark.fsq.Levels;

/**
 * {@link FiniteScalarQuantizer} on DJL NDArrays, for whole batches on the model's device. It derives nothing
 * itself: every constant and threshold comes from the channels' {@link ChannelRule}s, so it gives the plain-Java
 * quantizer's tokens bit for bit.
 *
 * <p>Latents are brought to float32 (half precision widened, float64 narrowed: the rule is defined on float32)
 * and a channel's digit is the count of its thresholds at or below the latent, which is exact on any device.
 * The index is summed in integers, so codebooks above 2^24 stay exact. {@link #quantizeWithStraightThrough} is
 * the training form: forward is the rounded code, the gradient passes through the rounding as identity.
 */
public final class NDArrayQuantizer {
  /** Thresholds compared at once; more are counted in chunks so memory stays at 64 booleans per latent. */
  private static final int THRESHOLDS_PER_PASS = 64;

  private final Levels levels;
  private final Bound bound;
  private final ChannelRule[] rules;

  public NDArrayQuantizer(Levels levels, Bound bound) {
    FiniteScalarQuantizer quantizer = new FiniteScalarQuantizer(levels, bound);
    this.levels = levels;
    this.bound = bound;
    this.rules = new ChannelRule[levels.channels()];
    for (int c = 0; c < rules.length; c++) {
      rules[c] = quantizer.rule(c);
    }
  }

  public Levels levels() {
    return levels;
  }

  /** Level digits in {@code 0..L-1} (INT32), same shape as {@code latents}; channels on {@code channelAxis}. */
  public NDArray digits(NDArray latents, int channelAxis) {
    NDArray z = latents.getDataType() == DataType.FLOAT32 ? latents : latents.toType(DataType.FLOAT32, false);
    checkChannels(z, channelAxis);
    checkFinite(z);
    if (bound == Bound.NONE) {
      NDArray digits = z.round().add(constant(z.getManager(), perChannel(ChannelRule::halfWidth), z, channelAxis))
          .toType(DataType.INT32, false);
      checkNoneRange(digits, channelAxis);
      return digits;
    }
    return countThresholds(z, channelAxis).toType(DataType.INT32, false);
  }

  /** Token indices (INT32): the channel axis is summed away with the mixed-radix basis. */
  public NDArray indices(NDArray latents, int channelAxis) {
    NDArray digits = digits(latents, channelAxis);
    int[] basis = new int[levels.channels()];
    for (int c = 0; c < basis.length; c++) {
      basis[c] = levels.basis(c);
    }
    NDArray basisArray = digits.getManager().create(basis, broadcastShape(digits, channelAxis));
    return digits.mul(basisArray).sum(new int[] {normalise(digits, channelAxis)}).toType(DataType.INT32, false);
  }

  /** Normalised codes in [-1, 1] with the straight-through estimator, for training. */
  public NDArray quantizeWithStraightThrough(NDArray latents, int channelAxis) {
    DataType type = latents.getDataType();
    NDArray z = type == DataType.FLOAT32 || type == DataType.FLOAT64 ? latents : latents.toType(DataType.FLOAT32, false);
    checkChannels(z, channelAxis);
    NDManager manager = z.getManager();
    NDArray halfL = constant(manager, perChannel(ChannelRule::halfL), z, channelAxis);
    if (bound == Bound.SYMMETRIC) {
      NDArray bracket = z.tanh().add(1).mul(halfL).add(0.5);
      NDArray digit = bracket.add(bracket.floor().sub(bracket).stopGradient());
      NDArray lMinus1 = halfL.mul(2);
      return digit.mul(2).sub(lMinus1).div(lMinus1);
    }
    NDArray bounded = bound == Bound.NONE ? z : z.add(constant(manager, perChannel(ChannelRule::shift), z, channelAxis))
        .tanh().mul(halfL).sub(constant(manager, perChannel(ChannelRule::offset), z, channelAxis));
    NDArray rounded = bounded.add(bounded.round().sub(bounded).stopGradient());
    return rounded.div(constant(manager, perChannel(ChannelRule::halfWidth), z, channelAxis));
  }

  /** Normalised codes (float32) of token indices; the new channel axis is inserted at {@code channelAxis}. */
  public NDArray codesOfIndices(NDArray indices, int channelAxis) {
    // float64 holds every int32 index exactly, so floor division there is exact.
    NDArray idx = indices.toType(DataType.FLOAT64, false).expandDims(channelAxis);
    NDManager manager = idx.getManager();
    Shape shape = broadcastShape(idx, channelAxis);
    double[] basisValues = new double[rules.length];
    for (int c = 0; c < rules.length; c++) {
      basisValues[c] = levels.basis(c);
    }
    NDArray digits = idx.div(manager.create(basisValues, shape)).floor()
        .mod(manager.create(perChannel(ChannelRule::levels), shape)).toType(DataType.FLOAT32, false);
    if (bound == Bound.SYMMETRIC) {
      NDArray l = manager.create(toFloats(perChannel(rule -> rule.levels() - 1)), shape);
      return digits.mul(2).sub(l).div(l);
    }
    NDArray half = manager.create(toFloats(perChannel(ChannelRule::halfWidth)), shape);
    return digits.sub(half).div(half);
  }

  /**
   * The rule on a whole batch: per latent, how many of its channel's thresholds are at or below it. Channels
   * with fewer thresholds are padded with +infinity, which no finite latent reaches.
   */
  private NDArray countThresholds(NDArray z, int channelAxis) {
    int most = 0;
    for (ChannelRule rule : rules) {
      most = Math.max(most, rule.levels() - 1);
    }
    NDArray below = z.expandDims(-1);
    long[] dims = new long[below.getShape().dimension()];
    java.util.Arrays.fill(dims, 1);
    dims[normalise(z, channelAxis)] = rules.length;
    NDArray count = null;
    for (int from = 0; from < most; from += THRESHOLDS_PER_PASS) {
      int width = Math.min(THRESHOLDS_PER_PASS, most - from);
      float[] table = new float[rules.length * width];
      java.util.Arrays.fill(table, Float.POSITIVE_INFINITY);
      for (int c = 0; c < rules.length; c++) {
        float[] thresholds = rules[c].thresholds();
        for (int k = from; k < Math.min(thresholds.length, from + width); k++) {
          table[c * width + k - from] = thresholds[k];
        }
      }
      dims[dims.length - 1] = width;
      NDArray reached = below.gte(z.getManager().create(table, new Shape(dims))).sum(new int[] {-1});
      count = count == null ? reached : count.add(reached);
    }
    return count;
  }

  private double[] perChannel(java.util.function.ToDoubleFunction<ChannelRule> value) {
    double[] values = new double[rules.length];
    for (int c = 0; c < rules.length; c++) {
      values[c] = value.applyAsDouble(rules[c]);
    }
    return values;
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

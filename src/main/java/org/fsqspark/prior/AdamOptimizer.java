package org.fsqspark.prior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fsqspark.error.BadDataException;

/**
 * Adam (Kingma and Ba 2015) with decoupled weight decay (AdamW) applied in place to a network's parameters,
 * written out on NDArrays because DJL's built-in optimizer keeps its moment estimates where they cannot be
 * saved: here the first and second moments and the step count are part of a checkpoint, so a resumed run
 * continues exactly where it stopped. Gradients are read and then zeroed (libtorch accumulates them).
 */
public final class AdamOptimizer implements AutoCloseable {
  private final NDManager manager;
  private final Map<String, NDArray> parameters;
  private final Map<String, NDArray> first = new LinkedHashMap<>();
  private final Map<String, NDArray> second = new LinkedHashMap<>();
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  private long step;

  /** An optimizer over {@code network}'s parameters with zero moments. */
  public AdamOptimizer(PriorNetwork network, float beta1, float beta2, float epsilon, float weightDecay) {
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("Adam's betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(epsilon > 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException("Adam needs epsilon > 0 and weight decay >= 0, got " + epsilon + ", "
          + weightDecay);
    }
    this.manager = NDManager.newBaseManager(network.device());
    this.parameters = network.parameters();
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
      first.put(entry.getKey(), manager.zeros(entry.getValue().getShape()));
      second.put(entry.getKey(), manager.zeros(entry.getValue().getShape()));
    }
  }

  /** Updates every parameter from its gradient with this learning rate, then zeroes the gradients. */
  public void update(float learningRate) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    double correction2 = 1 - Math.pow(beta2, step);
    float stepSize = (float) (learningRate * Math.sqrt(correction2) / correction1);
    try (NoGradients noGradients = new NoGradients(); NDManager scope = manager.newSubManager()) {
      for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
        NDArray parameter = entry.getValue();
        NDArray gradient = parameter.getGradient();
        gradient.attach(scope);
        NDArray m = first.get(entry.getKey());
        NDArray v = second.get(entry.getKey());
        m.muli(beta1).addi(scoped(scope, gradient.mul(1 - beta1)));
        v.muli(beta2).addi(scoped(scope, gradient.square().muli(1 - beta2)));
        // Decay only matrices and embeddings, not gains and biases (the usual AdamW practice).
        if (weightDecay > 0 && parameter.getShape().dimension() > 1) {
          parameter.subi(scoped(scope, parameter.mul(learningRate * weightDecay)));
        }
        NDArray denominator = scoped(scope, v.sqrt()).addi((float) (epsilon * Math.sqrt(correction2)));
        parameter.subi(scoped(scope, m.div(denominator)).muli(stepSize));
        gradient.muli(0);
      }
    }
  }

  private static NDArray scoped(NDManager scope, NDArray array) {
    array.attach(scope);
    return array;
  }

  /** Updates done so far. */
  public long step() {
    return step;
  }

  /** Writes the step count and both moments of every parameter. */
  public void write(DataOutputStream out) throws IOException {
    out.writeLong(step);
    ArrayFile.write(out, prefixed("m.", first));
    ArrayFile.write(out, prefixed("v.", second));
  }

  /** Restores what {@link #write} saved; the shapes must be this network's. */
  public void read(DataInputStream in) throws IOException {
    long savedStep = in.readLong();
    if (savedStep < 0) {
      throw new BadDataException("The optimizer state is damaged (step " + savedStep + ")");
    }
    Map<String, Shape> expectedFirst = new LinkedHashMap<>();
    Map<String, Shape> expectedSecond = new LinkedHashMap<>();
    parameters.forEach((name, array) -> {
      expectedFirst.put("m." + name, array.getShape());
      expectedSecond.put("v." + name, array.getShape());
    });
    int[] count = new int[1];
    ArrayFile.read(in, expectedFirst, (name, values, shape) -> {
      first.get(name.substring(2)).set(values);
      count[0]++;
    });
    ArrayFile.read(in, expectedSecond, (name, values, shape) -> {
      second.get(name.substring(2)).set(values);
      count[0]++;
    });
    if (count[0] != 2 * parameters.size()) {
      throw new BadDataException("The optimizer state holds " + count[0] + " arrays, this network needs "
          + 2 * parameters.size());
    }
    step = savedStep;
  }

  private static Map<String, NDArray> prefixed(String prefix, Map<String, NDArray> arrays) {
    Map<String, NDArray> result = new LinkedHashMap<>();
    arrays.forEach((name, array) -> result.put(prefix + name, array));
    return result;
  }

  @Override
  public void close() {
    manager.close();
  }
}

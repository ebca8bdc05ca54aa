package org.fsqspark.prior;

import java.util.List;
import java.util.SplittableRandom;

/** Training steps on given grids without a table, checkpoints or validation: what a benchmark times. */
public final class PriorBenchmark implements AutoCloseable {
  private final PriorNetwork network;
  private final AdamOptimizer optimizer;
  private final float learningRate;

  PriorBenchmark(PriorNetwork network, float learningRate) {
    this.network = network;
    this.learningRate = learningRate;
    this.optimizer = new AdamOptimizer(network, PriorTrainer.BETA1, PriorTrainer.BETA2, PriorTrainer.EPSILON, 0.01f);
    network.requireGradients();
  }

  /** One step (masking drawn from {@code step}); returns the loss in nats. */
  public double step(List<int[]> grids, long step) {
    PriorArchitecture architecture = network.architecture();
    int[] labels = null;
    if (architecture.conditioned()) {
      labels = new int[grids.size()];
      java.util.Arrays.fill(labels, architecture.nullClass());
    }
    MaskedBatch batch = MaskedBatch.of(grids, labels, architecture, 0f, new SplittableRandom(step));
    return PriorTrainer.trainStep(network, optimizer, batch, learningRate);
  }

  @Override
  public void close() {
    optimizer.close();
  }
}

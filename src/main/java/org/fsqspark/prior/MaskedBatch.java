package org.fsqspark.prior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One training batch under MaskGIT's objective: per grid a mask ratio r = cos(pi/2 u), u ~ U(0, 1), and
 * ceil(r N) positions (at least one) drawn uniformly are masked; the loss is the cross-entropy of the true
 * tokens at the masked positions only, averaged over every masked position of the batch. Labels are
 * replaced by the null class with the condition-dropout probability.
 */
final class MaskedBatch {
  private final int size;
  private final int positions;
  final int[] inputs;
  final long[] targets;
  final float[] weights;
  final int[] classes;
  final int maskedCount;

  private MaskedBatch(int size, int positions, int[] inputs, long[] targets, float[] weights, int[] classes,
      int maskedCount) {
    this.size = size;
    this.positions = positions;
    this.inputs = inputs;
    this.targets = targets;
    this.weights = weights;
    this.classes = classes;
    this.maskedCount = maskedCount;
  }

  /** Masks {@code grids} (labels in {@code labels}, null for an unconditional prior) with draws from {@code random}. */
  static MaskedBatch of(List<int[]> grids, int[] labels, PriorArchitecture architecture, float conditionDropout,
      SplittableRandom random) {
    int positions = architecture.positions();
    int size = grids.size();
    int[] inputs = new int[size * positions];
    long[] targets = new long[size * positions];
    float[] weights = new float[size * positions];
    int[] classes = architecture.conditioned() ? new int[size] : null;
    int[] order = new int[positions];
    int maskedCount = 0;
    for (int b = 0; b < size; b++) {
      int[] grid = grids.get(b);
      double ratio = Math.cos(Math.PI / 2 * random.nextDouble());
      int masked = Math.max(1, Math.min(positions, (int) Math.ceil(ratio * positions)));
      for (int i = 0; i < positions; i++) {
        order[i] = i;
      }
      // A partial Fisher-Yates shuffle: the first `masked` entries are a uniform random subset.
      for (int i = 0; i < masked; i++) {
        int j = i + random.nextInt(positions - i);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      for (int i = 0; i < positions; i++) {
        inputs[b * positions + i] = grid[i];
        targets[b * positions + i] = grid[i];
      }
      for (int i = 0; i < masked; i++) {
        inputs[b * positions + order[i]] = PriorNetwork.MASKED;
        weights[b * positions + order[i]] = 1f;
      }
      maskedCount += masked;
      if (classes != null) {
        boolean drop = random.nextDouble() < conditionDropout;
        classes[b] = drop || labels == null ? architecture.nullClass() : labels[b];
      }
    }
    return new MaskedBatch(size, positions, inputs, targets, weights, classes, maskedCount);
  }

  int size() {
    return size;
  }

  /** The mean cross-entropy (nats) over the masked positions, as a scalar in {@code scope}. */
  NDArray loss(NDManager scope, PriorNetwork network) {
    long[] rows = new long[maskedCount];
    long[] maskedTargets = new long[maskedCount];
    int k = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        rows[k] = i;
        maskedTargets[k++] = targets[i];
      }
    }
    // Logits only where the loss looks: the output projection is skipped for the visible positions.
    NDArray logits = network.logitsAt(scope, inputs, classes, size, rows);
    NDArray target = scope.create(maskedTargets, new Shape(maskedCount, 1)).toDevice(network.device(), false);
    return logits.logSoftmax(-1).gather(target, 1).neg().mean();
  }
}

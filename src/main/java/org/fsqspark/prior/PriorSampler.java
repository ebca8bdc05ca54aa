package org.fsqspark.prior;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fsqspark.error.BadInputException;

/**
 * MaskGIT's iterative decoding (Chang et al. 2022): start from a fully masked grid; at step t of T sample a
 * token for every masked position from softmax(logits / temperature), score each sample by its log
 * probability plus Gumbel noise scaled by {@code choiceTemperature * (1 - t/T)}, keep the most confident ones
 * and mask the rest again, so that after step t a share cos(pi/2 (t+1)/T) of the grid is still masked (at
 * least one position fewer each step; none after the last). Draws come from a seeded generator in Java, so
 * the same prior, seed and settings give the same grids.
 */
public final class PriorSampler {
  private final PriorNetwork network;
  private final int steps;
  private final float temperature;
  private final float choiceTemperature;

  public PriorSampler(PriorNetwork network, int steps, float temperature, float choiceTemperature) {
    if (steps < 1) {
      throw new BadInputException("--steps must be at least 1, got " + steps);
    }
    if (!(temperature > 0 && temperature < 100)) {
      throw new BadInputException("--temperature must be in (0, 100), got " + temperature);
    }
    if (!(choiceTemperature >= 0)) {
      throw new BadInputException("The choice temperature must be at least 0, got " + choiceTemperature);
    }
    this.network = network;
    this.steps = steps;
    this.temperature = temperature;
    this.choiceTemperature = choiceTemperature;
  }

  /**
   * Samples {@code count} grids in batches of {@code batchSize}; {@code label} is a class for a conditioned
   * prior, or null for none (the null class).
   */
  public List<int[]> sample(int count, Integer label, long seed, int batchSize) {
    PriorArchitecture architecture = network.architecture();
    if (label != null && !architecture.conditioned()) {
      throw new BadInputException("--label needs a prior trained with --condition; this one is unconditional");
    }
    if (label != null && (label < 0 || label >= architecture.classes())) {
      throw new BadInputException("--label must be in 0.." + (architecture.classes() - 1) + ", got " + label);
    }
    if (count < 0 || batchSize < 1) {
      throw new IllegalArgumentException("Need a count >= 0 and a batch size >= 1, got " + count + ", " + batchSize);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<int[]> grids = new ArrayList<>(count);
    for (int start = 0; start < count; start += batchSize) {
      int batch = Math.min(batchSize, count - start);
      int[] classes = null;
      if (architecture.conditioned()) {
        classes = new int[batch];
        Arrays.fill(classes, label == null ? architecture.nullClass() : label);
      }
      grids.addAll(sampleBatch(batch, classes, random));
    }
    return grids;
  }

  private List<int[]> sampleBatch(int batch, int[] classes, SplittableRandom random) {
    int positions = network.architecture().positions();
    int symbols = network.architecture().codebookSize();
    int[] tokens = PriorCoder.masked(batch * positions);
    int[] all = new int[positions];
    for (int i = 0; i < positions; i++) {
      all[i] = i;
    }
    int stillMasked = positions;
    for (int step = 0; step < steps && stillMasked > 0; step++) {
      int target = step == steps - 1 ? 0
          : (int) Math.floor(positions * StrictMath.cos(Math.PI / 2 * (step + 1) / steps));
      target = Math.max(0, Math.min(stillMasked - 1, target));
      float[] probabilities = PriorCoder.probabilities(network, tokens, classes, batch, all, temperature);
      double noise = choiceTemperature * (1.0 - (double) (step + 1) / steps);
      for (int b = 0; b < batch; b++) {
        int maskedHere = 0;
        int[] candidates = new int[positions];
        int[] sampled = new int[positions];
        double[] confidence = new double[positions];
        for (int i = 0; i < positions; i++) {
          if (tokens[b * positions + i] != PriorNetwork.MASKED) {
            continue;
          }
          int offset = (b * positions + i) * symbols;
          int symbol = draw(probabilities, offset, symbols, random);
          double gumbel = -Math.log(-Math.log(Math.max(Double.MIN_NORMAL, random.nextDouble())));
          candidates[maskedHere] = i;
          sampled[maskedHere] = symbol;
          confidence[maskedHere] = Math.log(Math.max(probabilities[offset + symbol], Float.MIN_NORMAL))
              + noise * gumbel;
          maskedHere++;
        }
        // Keep the (maskedHere - target) most confident samples; ties broken by position for determinism.
        Integer[] rank = new Integer[maskedHere];
        for (int k = 0; k < maskedHere; k++) {
          rank[k] = k;
        }
        Arrays.sort(rank, (x, y) -> confidence[x] != confidence[y] ? Double.compare(confidence[y], confidence[x])
            : Integer.compare(candidates[x], candidates[y]));
        for (int k = 0; k < maskedHere - target; k++) {
          tokens[b * positions + candidates[rank[k]]] = sampled[rank[k]];
        }
      }
      stillMasked = target;
    }
    List<int[]> grids = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      grids.add(Arrays.copyOfRange(tokens, b * positions, (b + 1) * positions));
    }
    return grids;
  }

  /** Inverse-CDF draw from the probabilities at {@code offset}. */
  private static int draw(float[] probabilities, int offset, int symbols, SplittableRandom random) {
    double total = 0;
    for (int s = 0; s < symbols; s++) {
      total += probabilities[offset + s];
    }
    double u = random.nextDouble() * total;
    double cumulative = 0;
    for (int s = 0; s < symbols; s++) {
      cumulative += probabilities[offset + s];
      if (u < cumulative) {
        return s;
      }
    }
    return symbols - 1;
  }
}

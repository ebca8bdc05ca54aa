package org.fsqspark.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.fsqspark.fsq.Levels;
import org.fsqspark.prior.CodingSchedule;
import org.fsqspark.prior.PriorArchitecture;
import org.fsqspark.prior.PriorCoder;
import org.fsqspark.prior.PriorNetwork;
import org.fsqspark.prior.PriorTrainer;

/**
 * The prior's throughput, apart from the other figures: training (grid tokens per second through forward,
 * backward and the Adam update, all cores, batch 128) and coding (tokens per second on one core: the M2T
 * schedule's 12 forward passes per batch of 64 grids plus range coding). The architecture is the one
 * {@code fsq prior train} uses by default, on 7x7 grids of the default tokenizer's 1000 codes; speed does not
 * depend on the weights, so they are freshly initialised. Prints {@code name: value} lines, medians of rounds.
 *
 * <p>Arguments: [layers width rounds].
 */
public final class PriorBench {
  private PriorBench() {}

  public static void main(String[] args) throws Exception {
    int layers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int width = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Engine.getEngine("PyTorch");
    PriorArchitecture architecture = new PriorArchitecture(Levels.of(8, 5, 5, 5), 7, 7, layers, width, 4, 4, 10,
        true);
    Random random = new Random(1);
    List<int[]> grids = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      int[] grid = new int[49];
      for (int p = 0; p < grid.length; p++) {
        grid[p] = random.nextInt(1000);
      }
      grids.add(grid);
    }
    System.err.printf(Locale.ROOT, "prior bench: %s, %d rounds%n", architecture.describe(), rounds);
    try (PriorNetwork network = PriorNetwork.initialise(architecture, Device.cpu(), 1)) {
      int cores = Runtime.getRuntime().availableProcessors();
      JniUtils.setNumThreads(cores);
      double[] train = new double[rounds];
      try (org.fsqspark.prior.PriorBenchmark benchmark = PriorTrainer.benchmark(network, 1e-3f)) {
        benchmark.step(grids, 0);
        for (int r = 0; r < rounds; r++) {
          long start = System.nanoTime();
          int steps = 3;
          for (int s = 0; s < steps; s++) {
            benchmark.step(grids, r * steps + s + 1);
          }
          train[r] = steps * 128.0 * 49 / ((System.nanoTime() - start) / 1e9);
        }
      }
      JniUtils.setNumThreads(1);
      PriorCoder coder = new PriorCoder(network, CodingSchedule.of(7, 7, CodingSchedule.DEFAULT_STEPS),
          PriorCoder.DEFAULT_BATCH);
      List<int[]> batch = grids.subList(0, PriorCoder.DEFAULT_BATCH);
      coder.encode(batch, null);
      double[] coding = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long start = System.nanoTime();
        coder.encode(batch, null);
        coding[r] = batch.size() * 49.0 / ((System.nanoTime() - start) / 1e9);
      }
      System.out.printf(Locale.ROOT, "prior_train_tokens_per_s: %.0f%n", median(train));
      System.out.printf(Locale.ROOT, "prior_coding_tokens_per_s_per_core: %.0f%n", median(coding));
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}

package org.fsqspark.prior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.fsqspark.stats.RangeDecoder;
import org.fsqspark.stats.RangeEncoder;
import org.fsqspark.error.BadDataException;
import org.fsqspark.model.NativeWork;

/**
 * Codes token grids with a prior under a {@link CodingSchedule}, M2T style: grids go through the network in
 * batches of a fixed size; in step s every grid's positions of that step are coded with the range coder from
 * the prior's distributions given the positions of steps before s (all others masked). The decoder runs the
 * same network on the same inputs in the same batch layout, so it sees the same distributions and builds the
 * same integer frequency tables ({@link QuantisedDistribution}); a stream decodes only with the same prior,
 * schedule, batch size and device type it was coded with.
 *
 * <p>Symbol order in the stream: batch by batch, step by step, grid by grid, position by position in the
 * step's order. Not thread-safe; use one coder per thread (the network may be shared).
 */
public final class PriorCoder {
  /** Grids per forward pass unless told otherwise. */
  public static final int DEFAULT_BATCH = 64;

  private final PriorNetwork network;
  private final CodingSchedule schedule;
  private final int batchSize;

  public PriorCoder(PriorNetwork network, CodingSchedule schedule, int batchSize) {
    PriorArchitecture architecture = network.architecture();
    if (schedule.height() != architecture.gridHeight() || schedule.width() != architecture.gridWidth()) {
      throw new IllegalArgumentException("The schedule is for " + schedule.height() + "x" + schedule.width()
          + " grids, the prior reads " + architecture.gridHeight() + "x" + architecture.gridWidth());
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("The coding batch size must be at least 1, got " + batchSize);
    }
    this.network = network;
    this.schedule = schedule;
    this.batchSize = batchSize;
  }

  /** What coding a list of grids gave: the stream, and the ideal code length under the float model. */
  public record Coded(byte[] bytes, double idealBits, long tokens, int grids) {
    /** Real coded bits per token. */
    public double bitsPerToken() {
      return tokens == 0 ? 0 : bytes.length * 8.0 / tokens;
    }
  }

  /**
   * Codes the grids into one stream. {@code classes} holds each grid's class for a conditioned prior (its
   * null class for "no label"), or is null: then a conditioned prior codes with the null class.
   */
  public Coded encode(List<int[]> grids, int[] classes) {
    return encode(grids, classes, done -> { });
  }

  /** As {@link #encode(List, int[])}, telling {@code progress} how many grids each finished batch held. */
  public Coded encode(List<int[]> grids, int[] classes, java.util.function.IntConsumer progress) {
    checkGrids(grids);
    int positions = schedule.positions();
    int symbols = network.architecture().codebookSize();
    RangeEncoder encoder = new RangeEncoder();
    QuantisedDistribution distribution = new QuantisedDistribution(symbols);
    double idealBits = 0;
    for (int start = 0; start < grids.size(); start += batchSize) {
      int batch = Math.min(batchSize, grids.size() - start);
      int[] inputs = masked(batch * positions);
      int[] batchClasses = classesOf(classes, start, batch);
      for (int step = 0; step < schedule.steps(); step++) {
        int[] stepPositions = schedule.positionsOf(step);
        float[] probabilities = probabilities(network, inputs, batchClasses, batch, stepPositions, 1f);
        for (int b = 0; b < batch; b++) {
          int[] grid = grids.get(start + b);
          for (int j = 0; j < stepPositions.length; j++) {
            int offset = (b * stepPositions.length + j) * symbols;
            int symbol = grid[stepPositions[j]];
            idealBits -= Math.log(Math.max(probabilities[offset + symbol], Float.MIN_NORMAL)) / Math.log(2);
            distribution.set(probabilities, offset);
            distribution.encode(encoder, symbol);
            inputs[b * positions + stepPositions[j]] = symbol;
          }
        }
      }
      progress.accept(batch);
    }
    return new Coded(encoder.finish(), idealBits, (long) grids.size() * positions, grids.size());
  }

  /** Decodes {@code count} grids from a stream {@link #encode} wrote with the same classes. */
  public List<int[]> decode(byte[] bytes, int count, int[] classes) {
    return decode(bytes, count, classes, done -> { });
  }

  /** As {@link #decode(byte[], int, int[])}, telling {@code progress} how many grids each finished batch held. */
  public List<int[]> decode(byte[] bytes, int count, int[] classes, java.util.function.IntConsumer progress) {
    int positions = schedule.positions();
    int symbols = network.architecture().codebookSize();
    RangeDecoder decoder = new RangeDecoder(bytes);
    QuantisedDistribution distribution = new QuantisedDistribution(symbols);
    List<int[]> grids = new ArrayList<>(count);
    for (int start = 0; start < count; start += batchSize) {
      int batch = Math.min(batchSize, count - start);
      int[] inputs = masked(batch * positions);
      int[] batchClasses = classesOf(classes, start, batch);
      for (int step = 0; step < schedule.steps(); step++) {
        int[] stepPositions = schedule.positionsOf(step);
        float[] probabilities = probabilities(network, inputs, batchClasses, batch, stepPositions, 1f);
        for (int b = 0; b < batch; b++) {
          for (int j = 0; j < stepPositions.length; j++) {
            distribution.set(probabilities, (b * stepPositions.length + j) * symbols);
            inputs[b * positions + stepPositions[j]] = distribution.decode(decoder);
          }
        }
      }
      for (int b = 0; b < batch; b++) {
        grids.add(java.util.Arrays.copyOfRange(inputs, b * positions, (b + 1) * positions));
      }
      progress.accept(batch);
    }
    return grids;
  }

  private void checkGrids(List<int[]> grids) {
    int positions = schedule.positions();
    int symbols = network.architecture().codebookSize();
    for (int[] grid : grids) {
      if (grid.length != positions) {
        throw new IllegalArgumentException("A grid of " + grid.length + " tokens cannot be coded by a prior of "
            + schedule.height() + "x" + schedule.width() + " grids");
      }
      for (int token : grid) {
        if (token < 0 || token >= symbols) {
          throw new BadDataException("Token " + token + " is outside [0, " + symbols + ")");
        }
      }
    }
  }

  private int[] classesOf(int[] classes, int start, int batch) {
    PriorArchitecture architecture = network.architecture();
    if (!architecture.conditioned()) {
      return null;
    }
    int[] result = new int[batch];
    for (int b = 0; b < batch; b++) {
      result[b] = classes == null ? architecture.nullClass() : classes[start + b];
    }
    return result;
  }

  static int[] masked(int length) {
    int[] inputs = new int[length];
    java.util.Arrays.fill(inputs, PriorNetwork.MASKED);
    return inputs;
  }

  /**
   * The prior's distributions at {@code positions} of every grid in the batch, as float probabilities
   * (softmax of logits / temperature on the network's device): row {@code b * positions.length + j}. A {@link
   * NativeWork} section, so that an exit (SIGTERM) waits for the pass instead of cutting through it.
   */
  static float[] probabilities(PriorNetwork network, int[] inputs, int[] classes, int batch, int[] positions,
      float temperature) {
    int gridPositions = network.architecture().positions();
    try (NativeWork.Section section = NativeWork.JVM.enter(); NoGradients noGradients = new NoGradients();
        NDManager scope = NDManager.newBaseManager(network.device())) {
      long[] rows = new long[batch * positions.length];
      for (int b = 0; b < batch; b++) {
        for (int j = 0; j < positions.length; j++) {
          rows[b * positions.length + j] = (long) b * gridPositions + positions[j];
        }
      }
      NDArray picked = network.logitsAt(scope, inputs, classes, batch, rows);
      if (temperature != 1f) {
        picked = picked.div(temperature);
      }
      return picked.softmax(-1).toFloatArray();
    }
  }
}

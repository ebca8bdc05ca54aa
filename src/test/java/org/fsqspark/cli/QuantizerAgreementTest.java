package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.ChannelRule;
import org.fsqspark.fsq.FiniteScalarQuantizer;
import org.fsqspark.fsq.Levels;
import org.fsqspark.model.NDArrayQuantizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One FSQ definition, three paths: the plain-Java quantizer, the NDArray quantizer tokenize runs on the model's
 * device, and {@code fsq quantize} give the same token for the same float32 latents, on values at and around every
 * level boundary of every channel (the two floats below each threshold, the threshold, the two floats above)
 * and on Gaussian samples, for odd and even level sets and every bound. Each boundary is also checked against a
 * transcription of the published formula, independent of the project's code, in float64 at the float32 value.
 */
class QuantizerAgreementTest {
  private static final List<Levels> LEVEL_SETS = List.of(Levels.of(8, 5, 5, 5), Levels.of(8, 8, 8, 5, 5, 5),
      Levels.of(7, 5, 5, 5, 5), Levels.of(8, 6, 5), Levels.of(5, 3), Levels.of(16, 9, 4), Levels.of(3), Levels.of(4));
  private static NDManager manager;

  @BeforeAll
  static void startEngine() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void closeEngine() {
    manager.close();
  }

  @ParameterizedTest
  @EnumSource(Bound.class)
  void plainJavaNdArrayAndTheCommandAgreeAtAndAroundEveryBoundary(Bound bound) {
    List<Levels> sets = new ArrayList<>(LEVEL_SETS);
    if (bound == Bound.SYMMETRIC || bound == Bound.NONE) {
      sets.add(Levels.of(2, 2, 6));
    }
    for (Levels levels : sets) {
      FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(levels, bound);
      float[][] vectors = edgeVectors(fsq, new Random(levels.codebookSize() + bound.ordinal()));
      int d = levels.channels();
      int[] plain = new int[vectors.length];
      float[] channelFirst = new float[vectors.length * d];
      StringBuilder stdin = new StringBuilder();
      for (int v = 0; v < vectors.length; v++) {
        plain[v] = fsq.index(vectors[v], 0);
        for (int c = 0; c < d; c++) {
          channelFirst[c * vectors.length + v] = vectors[v][c];
          stdin.append(c == 0 ? "" : ",").append(vectors[v][c]);
        }
        stdin.append('\n');
      }
      int[] nd;
      try (NDManager scope = manager.newSubManager()) {
        // B x d x h x w with the vectors along w, as an encoder's latents arrive.
        nd = new NDArrayQuantizer(levels, bound)
            .indices(scope.create(channelFirst, new Shape(1, d, 1, vectors.length)), 1).toIntArray();
      }
      CliRunner.Result command = CliRunner.runWithInput(stdin.toString(), "quantize", "--levels", levels.toString(),
          "--bound", bound.manifestName());
      assertThat(command.exitCode()).as(command.err()).isZero();
      String[] lines = command.out().strip().split("\n");
      assertThat(lines).hasSize(vectors.length);
      for (int v = 0; v < vectors.length; v++) {
        String which = String.format("%s %s vector %d %s", bound, levels, v, java.util.Arrays.toString(vectors[v]));
        assertThat(nd[v]).as("NDArray, " + which).isEqualTo(plain[v]);
        assertThat(Integer.parseInt(lines[v].trim())).as("fsq quantize, " + which).isEqualTo(plain[v]);
        assertThat(plain[v]).as("published formula, " + which).isEqualTo(publishedIndex(vectors[v], levels, bound));
      }
    }
  }

  /**
   * Vectors in which every channel takes each value at and around each of its boundaries (cycling where a channel
   * has fewer), then Gaussian vectors. A boundary is a threshold of the float32 rule; for the none bound, where
   * digits are rint(z), the half-integers.
   */
  private static float[][] edgeVectors(FiniteScalarQuantizer fsq, Random random) {
    Levels levels = fsq.levels();
    int d = levels.channels();
    List<List<Float>> edges = new ArrayList<>();
    int longest = 0;
    for (int c = 0; c < d; c++) {
      ChannelRule rule = fsq.rule(c);
      List<Float> values = new ArrayList<>();
      for (float boundary : boundaries(rule)) {
        float below = Math.nextDown(boundary);
        float above = Math.nextUp(boundary);
        values.addAll(List.of(Math.nextDown(below), below, boundary, above, Math.nextUp(above)));
      }
      edges.add(values);
      longest = Math.max(longest, values.size());
    }
    int gaussian = 500;
    float[][] vectors = new float[longest + gaussian][d];
    for (int v = 0; v < vectors.length; v++) {
      for (int c = 0; c < d; c++) {
        List<Float> values = edges.get(c);
        vectors[v][c] = v < longest ? values.get((v + 7 * c) % values.size())
            : fsq.bound() == Bound.NONE ? random.nextInt(levels.get(c)) - levels.get(c) / 2
                : (float) (random.nextGaussian() * (v % 2 == 0 ? 1 : 4));
      }
    }
    return vectors;
  }

  private static float[] boundaries(ChannelRule rule) {
    if (rule.bound() != Bound.NONE) {
      float[] thresholds = rule.thresholds();
      assertThat(thresholds).hasSize(rule.levels() - 1);
      return thresholds;
    }
    // Half-integers between the centred levels -L//2 .. L-1-L//2: where rint changes.
    float[] halves = new float[rule.levels() - 1];
    for (int k = 0; k < halves.length; k++) {
      halves[k] = -rule.halfWidth() + k + 0.5f;
    }
    return halves;
  }

  /**
   * The formulas as published, transcribed here: the FSQ paper's notebook ({@code paper}), lucidrains / Cosmos
   * ({@code atanh}, {@code symmetric}), and centred integer levels ({@code none}); float64 at the float32 value.
   */
  private static int publishedIndex(float[] z, Levels levels, Bound bound) {
    double eps = 1e-3;
    int index = 0;
    int basis = 1;
    for (int c = 0; c < levels.channels(); c++) {
      int l = levels.get(c);
      double x = z[c];
      long digit;
      switch (bound) {
        case SYMMETRIC -> digit = (long) Math.floor((l - 1) * (Math.tanh(x) + 1) / 2 + 0.5);
        case NONE -> digit = (long) Math.rint(x) + l / 2;
        default -> {
          double halfL = bound == Bound.PAPER ? (l - 1) * (1 - eps) / 2 : (l - 1) * (1 + eps) / 2;
          double offset = l % 2 == 0 ? 0.5 : 0.0;
          double shift = bound == Bound.PAPER ? Math.tan(offset / halfL)
              : 0.5 * Math.log((1 + offset / halfL) / (1 - offset / halfL));
          digit = (long) Math.rint(Math.tanh(x + shift) * halfL - offset) + l / 2;
        }
      }
      index += (int) digit * basis;
      basis *= l;
    }
    return index;
  }
}

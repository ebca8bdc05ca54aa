package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.FiniteScalarQuantizer;
import org.fsqspark.fsq.Levels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NDArrayQuantizerTest {
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
  void batchedIndicesEqualThePlainJavaQuantizer(Bound bound) {
    for (Levels levels : new Levels[] {Levels.of(8, 5, 5, 5), Levels.of(8, 8, 8, 5, 5, 5), Levels.of(7, 6, 4)}) {
      Random random = new Random(11);
      int batch = 16;
      int h = 7;
      int w = 9;
      int d = levels.channels();
      float[] values = new float[batch * d * h * w];
      for (int i = 0; i < values.length; i++) {
        values[i] = bound == Bound.NONE
            ? random.nextInt(3) - 1 : (float) (random.nextGaussian() * 1.5);
      }
      FiniteScalarQuantizer reference = new FiniteScalarQuantizer(levels, bound);
      try (NDManager scope = manager.newSubManager()) {
        NDArray latents = scope.create(values, new Shape(batch, d, h, w));
        int[] fromNd = new NDArrayQuantizer(levels, bound).indices(latents, 1).toIntArray();
        int[] fromWide = new NDArrayQuantizer(levels, bound)
            .indices(latents.toType(DataType.FLOAT64, false), 1).toIntArray();
        assertThat(fromNd).hasSize(batch * h * w);
        int positions = h * w;
        for (int b = 0; b < batch; b++) {
          for (int p = 0; p < positions; p++) {
            int expected = reference.indexChannelFirst(values, b * d * positions, p, positions);
            assertThat(fromNd[b * positions + p]).as("%s %s image %d position %d", levels, bound, b, p)
                .isEqualTo(expected);
            assertThat(fromWide[b * positions + p]).isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void channelLastLayoutAndHalfPrecisionAreHandled() {
    Levels levels = Levels.of(8, 5, 5, 5);
    try (NDManager scope = manager.newSubManager()) {
      NDArray latents = scope.randomNormal(new Shape(32, 4));
      NDArray fromFloat = new NDArrayQuantizer(levels, Bound.ATANH).indices(latents, -1);
      float[] values = latents.toFloatArray();
      FiniteScalarQuantizer reference = new FiniteScalarQuantizer(levels, Bound.ATANH);
      int[] indices = fromFloat.toIntArray();
      for (int v = 0; v < 32; v++) {
        assertThat(indices[v]).isEqualTo(reference.index(values, v * 4));
      }
    }
  }

  @Test
  void codesOfIndicesInvertTheIndex() {
    Levels levels = Levels.of(8, 6, 5);
    NDArrayQuantizer quantizer = new NDArrayQuantizer(levels, Bound.ATANH);
    FiniteScalarQuantizer reference = new FiniteScalarQuantizer(levels, Bound.ATANH);
    try (NDManager scope = manager.newSubManager()) {
      int[] all = new int[levels.codebookSize()];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      float[] codes = quantizer.codesOfIndices(scope.create(all), -1).toFloatArray();
      for (int i = 0; i < all.length; i++) {
        double[] expected = reference.codes(i);
        for (int c = 0; c < 3; c++) {
          assertThat((double) codes[i * 3 + c]).isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-6));
        }
      }
    }
  }

  @Test
  void straightThroughPassesGradientOneThroughTheRounding() {
    Levels levels = Levels.of(8, 5, 5, 5);
    try (NDManager scope = manager.newSubManager()) {
      // With the 'none' bound the code is round_ste(z) / (L // 2): its gradient is exactly 1 / (L // 2).
      NDArray z = scope.randomUniform(-1.4f, 1.4f, new Shape(64, 4));
      z.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray codes = new NDArrayQuantizer(levels, Bound.NONE).quantizeWithStraightThrough(z, -1);
        collector.backward(codes.sum());
      }
      float[] gradient = z.getGradient().toFloatArray();
      for (int i = 0; i < gradient.length; i++) {
        assertThat(gradient[i]).isEqualTo(1f / (levels.get(i % 4) / 2));
      }

      // With the tanh bound the gradient is the bound's own derivative: the rounding contributes exactly 1.
      NDArray y = scope.randomNormal(new Shape(64, 4));
      y.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray codes = new NDArrayQuantizer(levels, Bound.ATANH).quantizeWithStraightThrough(y, -1);
        collector.backward(codes.sum());
      }
      float[] values = y.toFloatArray();
      float[] actual = y.getGradient().toFloatArray();
      for (int i = 0; i < values.length; i++) {
        int l = levels.get(i % 4);
        double halfL = (l - 1) * (1 + Bound.EPS) / 2;
        double offset = l % 2 == 0 ? 0.5 : 0;
        double shift = 0.5 * Math.log((1 + offset / halfL) / (1 - offset / halfL));
        double t = Math.tanh(values[i] + shift);
        double expected = (1 - t * t) * halfL / (l / 2);
        assertThat((double) actual[i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  @Test
  void nonFiniteAndMisshapedLatentsAreRejected() {
    NDArrayQuantizer quantizer = new NDArrayQuantizer(Levels.of(8, 5, 5, 5), Bound.ATANH);
    try (NDManager scope = manager.newSubManager()) {
      NDArray bad = scope.create(new float[] {0, Float.NaN, 0, 0}, new Shape(1, 4));
      assertThatThrownBy(() -> quantizer.indices(bad, -1)).hasMessageContaining("non-finite");
      NDArray three = scope.zeros(new Shape(2, 3));
      assertThatThrownBy(() -> quantizer.indices(three, -1)).hasMessageContaining("have 3 channels");
    }
  }
}

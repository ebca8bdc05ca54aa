package org.fsqspark.fsq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FiniteScalarQuantizerTest {
  private static final List<Levels> MIXED_PARITY = List.of(
      Levels.of(3), Levels.of(4), Levels.of(5), Levels.of(6), Levels.of(7), Levels.of(8), Levels.of(8, 5, 5, 5),
      Levels.of(16, 11));

  @Test
  void everyIndexOfEveryPaperLevelSetRoundTripsThroughDigitsAndCodes() {
    for (Bound bound : new Bound[] {Bound.ATANH, Bound.PAPER, Bound.SYMMETRIC, Bound.NONE}) {
      for (Levels levels : RecommendedLevels.paperTable().values()) {
        FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(levels, bound);
        int[] digits = new int[levels.channels()];
        for (int index = 0; index < levels.codebookSize(); index++) {
          levels.digitsOf(index, digits);
          double[] codes = fsq.codes(index);
          for (double code : codes) {
            assertThat(code).isBetween(-1.0, 1.0);
          }
          assertThat(fsq.indexOfCodes(codes)).isEqualTo(levels.indexOf(digits)).isEqualTo(index);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Bound.class, names = {"ATANH", "PAPER", "SYMMETRIC"})
  void denseSweepReachesExactlyEveryLevelInOrder(Bound bound) {
    for (Levels levels : MIXED_PARITY) {
      assertSweepReachesEveryLevel(new FiniteScalarQuantizer(levels, bound), -12, 12, 1e-3, true);
    }
  }

  @Test
  void symmetricBoundSupportsTwoLevels() {
    FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(Levels.of(2, 2, 2), Bound.SYMMETRIC);
    assertSweepReachesEveryLevel(fsq, -12, 12, 1e-3, true);
    assertThat(fsq.codes(0)).containsExactly(-1, -1, -1);
    assertThat(fsq.codes(7)).containsExactly(1, 1, 1);
  }

  @Test
  void symmetricBoundPlacesEvenLevelsSymmetrically() {
    FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(Levels.of(4), Bound.SYMMETRIC);
    assertThat(fsq.codes(0)[0]).isEqualTo(-fsq.codes(3)[0]);
    assertThat(fsq.codes(1)[0]).isEqualTo(-fsq.codes(2)[0]);
    assertThat(fsq.index(new float[] {0.3f}, 0) + fsq.index(new float[] {-0.3f}, 0)).isEqualTo(3);
  }

  @Test
  void noneBoundAcceptsCentredIntegerLevelsAndRejectsOthers() {
    for (Levels levels : MIXED_PARITY) {
      FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(levels, Bound.NONE);
      int low = -levels.get(0) / 2;
      int high = levels.get(0) - 1 - levels.get(0) / 2;
      if (levels.channels() == 1) {
        assertSweepReachesEveryLevel(fsq, low - 0.49, high + 0.49, 1e-3, false);
      }
      float[] big = new float[levels.channels()];
      java.util.Arrays.fill(big, 1e6f);
      assertThatThrownBy(() -> fsq.index(big, 0)).hasMessageContaining("outside the")
          .hasMessageContaining("'none' bound");
      java.util.Arrays.fill(big, -1e6f);
      assertThatThrownBy(() -> fsq.index(big, 0)).hasMessageContaining("outside the");
    }
  }

  @ParameterizedTest
  @EnumSource(Bound.class)
  void nonFiniteLatentsAreRejected(Bound bound) {
    FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(Levels.of(8, 5, 5, 5), bound);
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> fsq.index(new float[] {0, (float) bad, 0, 0}, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("position 1").hasMessageContaining("must be finite");
      assertThatThrownBy(() -> fsq.index(new float[] {0, 0, (float) bad, 0}, 0))
          .hasMessageContaining("position 2");
    }
  }

  @Test
  void tanhBoundsRejectTwoLevels() {
    assertThatThrownBy(() -> new FiniteScalarQuantizer(Levels.of(8, 2), Bound.ATANH))
        .hasMessageContaining("Channel 1").hasMessageContaining("symmetric bound");
  }

  @ParameterizedTest
  @EnumSource(Bound.class)
  void theFloat32RuleIsTheFloat64FormulaAtFloat32Latents(Bound bound) {
    Random random = new Random(7);
    Levels levels = Levels.of(8, 8, 8, 5, 5, 5);
    FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(levels, bound);
    int vectors = 20_000;
    float[] single = new float[vectors * levels.channels()];
    double[] wide = new double[single.length];
    for (int i = 0; i < single.length; i++) {
      single[i] = bound == Bound.NONE ? random.nextInt(5) - 2 : (float) (random.nextGaussian() * 2);
      wide[i] = single[i];
    }
    int[] fromSingle = new int[vectors];
    fsq.indices(single, vectors, fromSingle);
    for (int v = 0; v < vectors; v++) {
      assertThat(formulaIndex(fsq, wide, v * levels.channels())).isEqualTo(fromSingle[v]);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Bound.class, names = {"ATANH", "PAPER", "SYMMETRIC"})
  void floatFastPathEqualsTheTanhFormulaEvenNextToEveryBoundary(Bound bound) {
    for (Levels levels : List.of(Levels.of(3), Levels.of(4), Levels.of(5), Levels.of(8), Levels.of(16))) {
      FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(levels, bound);
      int l = levels.get(0);
      // Find every step of the digit function (coarse walk, then bisection on float values) and compare the
      // fast path with the tanh formula on the 64 floats at either side of it.
      float z = -8f;
      int previous = formulaIndex(fsq, new double[] {z}, 0);
      int steps = 0;
      while (z < 8f) {
        float next = z + 1e-3f;
        int reference = formulaIndex(fsq, new double[] {next}, 0);
        if (reference != previous) {
          float low = z;
          float high = next;
          while (Math.nextUp(low) < high) {
            float middle = low + (high - low) / 2;
            if (middle <= low || middle >= high) {
              middle = Math.nextUp(low);
            }
            if (formulaIndex(fsq, new double[] {middle}, 0) == previous) {
              low = middle;
            } else {
              high = middle;
            }
          }
          float probe = high;
          for (int i = 0; i < 64; i++) {
            probe = Math.nextDown(probe);
          }
          for (int i = 0; i < 128; i++, probe = Math.nextUp(probe)) {
            assertThat(fsq.index(new float[] {probe}, 0)).as("%s L=%d z=%s", bound, l, probe)
                .isEqualTo(formulaIndex(fsq, new double[] {probe}, 0));
          }
          steps++;
        }
        previous = reference;
        z = next;
      }
      assertThat(steps).isEqualTo(l - 1);
      Random random = new Random(l);
      for (int i = 0; i < 200_000; i++) {
        float value = (float) (random.nextGaussian() * (i % 2 == 0 ? 1 : 6));
        assertThat(fsq.index(new float[] {value}, 0)).isEqualTo(formulaIndex(fsq, new double[] {value}, 0));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Bound.class, names = {"ATANH", "PAPER", "SYMMETRIC"})
  void largestAllowedLevelCountsReachEveryLevelAndTheFastPathAgrees(Bound bound) {
    int l = bound == Bound.SYMMETRIC ? 5000 : Bound.MAX_TANH_LEVELS;
    FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(Levels.of(l), bound);
    assertThat(fsq.index(new float[] {-1e30f}, 0)).isZero();
    assertThat(fsq.index(new float[] {1e30f}, 0)).isEqualTo(l - 1);
    assertSweepReachesEveryLevel(fsq, -12, 12, 1e-5, true);
    Random random = new Random(l);
    for (int i = 0; i < 200_000; i++) {
      float value = (float) (random.nextGaussian() * (i % 2 == 0 ? 1 : 6));
      assertThat(fsq.index(new float[] {value}, 0)).isEqualTo(formulaIndex(fsq, new double[] {value}, 0));
    }
  }

  @Test
  void levelCountsBeyondWhatABoundSeparatesAreRefusedWithTheLimit() {
    for (Bound bound : List.of(Bound.ATANH, Bound.PAPER)) {
      assertThatThrownBy(() -> new FiniteScalarQuantizer(Levels.of(8, Bound.MAX_TANH_LEVELS + 1), bound))
          .hasMessageContaining("Channel 1 of levels 8,1001 has 1001 levels")
          .hasMessageContaining("use at most 1000 levels per channel").hasMessageNotContaining("'none'");
    }
    for (Bound bound : Bound.values()) {
      assertThatThrownBy(() -> new FiniteScalarQuantizer(Levels.of(Integer.MAX_VALUE), bound))
          .hasMessageContaining("at most 65536 levels per channel");
    }
    assertThat(new FiniteScalarQuantizer(Levels.of(Bound.MAX_LEVELS_PER_CHANNEL), Bound.NONE).index(new float[] {0}, 0))
        .isEqualTo(Bound.MAX_LEVELS_PER_CHANNEL / 2);
  }

  @Test
  void channelFirstLayoutMatchesChannelLast() {
    Random random = new Random(3);
    Levels levels = Levels.of(8, 5, 5, 5);
    FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(levels, Bound.ATANH);
    int positions = 49;
    float[] channelFirst = new float[levels.channels() * positions];
    for (int i = 0; i < channelFirst.length; i++) {
      channelFirst[i] = (float) random.nextGaussian();
    }
    float[] vector = new float[levels.channels()];
    for (int p = 0; p < positions; p++) {
      for (int c = 0; c < levels.channels(); c++) {
        vector[c] = channelFirst[c * positions + p];
      }
      assertThat(fsq.indexChannelFirst(channelFirst, 0, p, positions)).isEqualTo(fsq.index(vector, 0));
    }
  }

  @Test
  void codesThatAreNotOnTheLatticeAreRejected() {
    FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(Levels.of(8, 5), Bound.ATANH);
    assertThatThrownBy(() -> fsq.indexOfCodes(new double[] {0.1, 0})).hasMessageContaining("channel 0");
    assertThatThrownBy(() -> fsq.indexOfCodes(new double[] {0, 1.5})).hasMessageContaining("channel 1");
  }

  private static void assertSweepReachesEveryLevel(
      FiniteScalarQuantizer fsq, double from, double to, double step, boolean withExtremes) {
    Levels levels = fsq.levels();
    int d = levels.channels();
    BitSet[] seen = new BitSet[d];
    for (int c = 0; c < d; c++) {
      seen[c] = new BitSet();
    }
    int[] digits = new int[d];
    int[] previous = new int[d];
    java.util.Arrays.fill(previous, -1);
    float[] latent = new float[d];
    long steps = Math.round((to - from) / step);
    for (long s = 0; s <= steps + (withExtremes ? 2 : 0); s++) {
      float z = (float) (s <= steps ? from + s * step : (s == steps + 1 ? -1e6 : 1e6));
      java.util.Arrays.fill(latent, z);
      fsq.digits(latent, 0, digits);
      for (int c = 0; c < d; c++) {
        assertThat(digits[c]).isBetween(0, levels.get(c) - 1);
        if (s <= steps) {
          assertThat(digits[c]).as("digits grow with z").isGreaterThanOrEqualTo(previous[c]);
          previous[c] = digits[c];
        }
        seen[c].set(digits[c]);
      }
    }
    for (int c = 0; c < d; c++) {
      assertThat(seen[c].cardinality()).as("distinct digits of channel %d for %s", c, fsq).isEqualTo(levels.get(c));
    }
    if (withExtremes) {
      java.util.Arrays.fill(latent, -1e6f);
      fsq.digits(latent, 0, digits);
      assertThat(digits).containsOnly(0).hasSize(d);
    }
  }

  /** The float64 formula the thresholds of the float32 rule come from, as a token index. */
  static int formulaIndex(FiniteScalarQuantizer fsq, double[] latents, int offset) {
    int index = 0;
    for (int c = 0; c < fsq.levels().channels(); c++) {
      index += fsq.rule(c).formulaDigit(latents[offset + c], c) * fsq.levels().basis(c);
    }
    return index;
  }

  @ParameterizedTest
  @EnumSource(Bound.class)
  void batchedChannelFirstIndicesEqualOneAtATime(Bound bound) {
    for (Levels levels : new Levels[] {Levels.of(8, 5, 5, 5), Levels.of(8, 8, 8, 5, 5, 5), Levels.of(7, 6, 4)}) {
      FiniteScalarQuantizer fsq = new FiniteScalarQuantizer(levels, bound);
      int d = levels.channels();
      int images = 3;
      int positions = 35;
      Random random = new Random(5);
      float[] latents = new float[images * d * positions];
      for (int i = 0; i < latents.length; i++) {
        latents[i] = bound == Bound.NONE ? random.nextInt(3) - 1 : (float) (random.nextGaussian() * 1.5);
      }
      // Exactly on a threshold, just below one, and both zeros: where a comparison's edge shows.
      int at = 0;
      for (int c = 0; c < d && bound != Bound.NONE; c++) {
        for (float threshold : fsq.rule(c).thresholds()) {
          for (float z : new float[] {threshold, Math.nextDown(threshold), Math.nextUp(threshold), 0f, -0f}) {
            latents[(at / positions) * d * positions + c * positions + at % positions] = z;
            at = (at + 1) % (images * positions);
          }
        }
      }
      int[] batched = new int[images * positions];
      java.util.Arrays.fill(batched, -7);
      fsq.indicesChannelFirst(latents, images, positions, batched);
      for (int image = 0; image < images; image++) {
        for (int p = 0; p < positions; p++) {
          assertThat(batched[image * positions + p]).as("%s %s image %d position %d", levels, bound, image, p)
              .isEqualTo(fsq.indexChannelFirst(latents, image * d * positions, p, positions));
        }
      }
      latents[latents.length - 2] = Float.NaN;
      assertThatThrownBy(() -> fsq.indicesChannelFirst(latents, images, positions, batched))
          .hasMessageContaining("position " + (latents.length - 2)).hasMessageContaining("must be finite");
    }
  }
}

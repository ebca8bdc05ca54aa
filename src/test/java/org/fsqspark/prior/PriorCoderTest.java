package org.fsqspark.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fsqspark.fsq.Levels;
import org.junit.jupiter.api.Test;

/** Coding with a prior is exactly reversible, for any grid shape the prior was made for. */
@org.junit.jupiter.api.extension.ExtendWith(OneEngineThread.class)
class PriorCoderTest {
  private static List<int[]> randomGrids(int count, int positions, int codes, long seed) {
    Random random = new Random(seed);
    List<int[]> grids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] grid = new int[positions];
      for (int p = 0; p < positions; p++) {
        // Skewed towards small codes, so the untrained prior's near-uniform guess is not the whole story.
        grid[p] = random.nextInt(4) == 0 ? random.nextInt(codes) : random.nextInt(Math.max(1, codes / 8));
      }
      grids.add(grid);
    }
    return grids;
  }

  @Test
  void everyGridShapeDecodesToTheTokensThatWereCoded() {
    Object[][] cases = {
        {Levels.of(8, 5, 5, 5), 1, 1, true, 0},
        {Levels.of(8, 5, 5, 5), 7, 7, true, 0},
        {Levels.of(4, 4), 2, 3, false, 0},
        {Levels.of(5, 3), 3, 5, true, 4},
        {Levels.of(1024), 4, 4, true, 0}};
    for (Object[] c : cases) {
      Levels levels = (Levels) c[0];
      int height = (int) c[1];
      int width = (int) c[2];
      PriorArchitecture architecture = new PriorArchitecture(levels, height, width, 2, 32, 4, 2, (int) c[4],
          (boolean) c[3]);
      try (PriorNetwork network = PriorNetwork.initialise(architecture, Device.cpu(), 7)) {
        PriorCoder coder = new PriorCoder(network, CodingSchedule.of(height, width, 12), 5);
        // 13 grids: two full batches of 5 and a last one of 3.
        List<int[]> grids = randomGrids(13, height * width, levels.codebookSize(), 3);
        int[] classes = architecture.conditioned() ? new int[] {0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2} : null;
        PriorCoder.Coded coded = coder.encode(grids, classes);
        List<int[]> decoded = coder.decode(coded.bytes(), grids.size(), classes);
        assertThat(decoded).as("%s %dx%d", levels, height, width).hasSize(grids.size());
        for (int i = 0; i < grids.size(); i++) {
          assertThat(decoded.get(i)).as("grid %d of %s %dx%d", i, levels, height, width).isEqualTo(grids.get(i));
        }
        assertThat(coded.tokens()).isEqualTo(13L * height * width);
        // Real bytes track the ideal code length: the range coder's flush (7 bytes) plus rounding.
        assertThat(coded.bytes().length * 8.0).isBetween(coded.idealBits() - 1, coded.idealBits() * 1.001 + 64);
      }
    }
  }

  @Test
  void aDifferentNetworkCannotDecodeTheStream() {
    PriorArchitecture architecture = new PriorArchitecture(Levels.of(8, 5), 3, 3, 1, 16, 2, 2, 0, true);
    List<int[]> grids = randomGrids(6, 9, 40, 11);
    try (PriorNetwork network = PriorNetwork.initialise(architecture, Device.cpu(), 1);
        PriorNetwork other = PriorNetwork.initialise(architecture, Device.cpu(), 2)) {
      byte[] bytes = new PriorCoder(network, CodingSchedule.of(3, 3, 4), 4).encode(grids, null).bytes();
      List<int[]> wrong = new PriorCoder(other, CodingSchedule.of(3, 3, 4), 4).decode(bytes, grids.size(), null);
      boolean allEqual = true;
      for (int i = 0; i < grids.size(); i++) {
        allEqual &= java.util.Arrays.equals(grids.get(i), wrong.get(i));
      }
      assertThat(allEqual).as("decoding with other weights must not give the tokens back").isFalse();
    }
  }

  @Test
  void gridsOfAnotherShapeAreRefused() {
    PriorArchitecture architecture = new PriorArchitecture(Levels.of(8, 5, 5, 5), 7, 7, 1, 16, 2, 2, 0, true);
    try (PriorNetwork network = PriorNetwork.initialise(architecture, Device.cpu(), 1)) {
      PriorCoder coder = new PriorCoder(network, CodingSchedule.of(7, 7, 12), 8);
      assertThatThrownBy(() -> coder.encode(List.of(new int[64]), null))
          .hasMessageContaining("A grid of 64 tokens cannot be coded by a prior of 7x7 grids");
      assertThatThrownBy(() -> coder.encode(List.of(new int[48]), null)).hasMessageContaining("7x7");
      assertThatThrownBy(() -> new PriorCoder(network, CodingSchedule.of(8, 8, 12), 8))
          .hasMessageContaining("The schedule is for 8x8 grids, the prior reads 7x7");
      int[] outOfRange = new int[49];
      outOfRange[3] = 1000;
      assertThatThrownBy(() -> coder.encode(List.of(outOfRange), null))
          .hasMessageContaining("Token 1000 is outside [0, 1000)");
    }
  }

  @Test
  void quantisedDistributionsKeepEverySymbolCodable() {
    QuantisedDistribution distribution = new QuantisedDistribution(4);
    float[] probabilities = {1.0000002f, 0f, Float.NaN, -0.5f};
    distribution.set(probabilities, 0);
    assertThat(distribution.total()).isLessThanOrEqualTo(org.fsqspark.stats.RangeEncoder.MAX_TOTAL);
    for (int s = 0; s < 4; s++) {
      assertThat(distribution.probability(s)).isGreaterThan(0);
    }
    assertThat(distribution.probability(0)).isGreaterThan(0.9999);
  }
}

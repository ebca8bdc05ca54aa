package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NearestCodesTest {
  @Test
  void findsTheBruteForceNearestCodeForGaussianCodebooks() {
    Random random = new Random(5);
    for (int[] shape : new int[][] {{1, 3}, {7, 2}, {64, 4}, {1000, 4}, {4096, 5}, {20000, 6}}) {
      float[] codebook = gaussian(random, shape[0] * shape[1], 1);
      assertSameAsBruteForce(codebook, shape[0], shape[1], gaussian(random, 500 * shape[1], 1.5));
    }
  }

  @Test
  void findsTheNearestCodeOfACollapsedCodebookAndBreaksTiesTowardsTheLowerIndex() {
    Random random = new Random(6);
    int size = 5000;
    int d = 6;
    // A VQ codebook after collapse: most codes still at their tiny initial values, a few moved out; and exact
    // duplicates, whose ties must go to the lower index as in the brute-force loop.
    float[] codebook = gaussian(random, size * d, 1f / size);
    for (int k = 0; k < 40; k++) {
      for (int c = 0; c < d; c++) {
        codebook[(k * 97) * d + c] = (float) random.nextGaussian();
      }
    }
    System.arraycopy(codebook, 97 * d, codebook, 4000 * d, d);
    System.arraycopy(codebook, 0, codebook, 10 * d, d);
    float[] vectors = gaussian(random, 2000 * d, 1);
    System.arraycopy(codebook, 4000 * d, vectors, 0, d);
    for (int i = 2 * d; i < 3 * d; i++) {
      vectors[i] = 0;
    }
    int[] nearest = assertSameAsBruteForce(codebook, size, d, vectors);
    assertThat(nearest[0]).as("exact duplicate of code 97 at 4000").isEqualTo(97);
  }

  @Test
  void refusesACodebookOfTheWrongLengthAndVectorsWithNaN() {
    assertThatThrownBy(() -> new NearestCodes(new float[10], 3, 4)).hasMessageContaining("10 floats is not 3 x 4");
    NearestCodes tree = new NearestCodes(new float[] {0, 0, 1, 1}, 2, 2);
    assertThatThrownBy(() -> tree.nearest(new float[] {0, Float.NaN})).hasMessageContaining("Vector 0")
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> tree.nearest(new float[3])).hasMessageContaining("3 floats");
  }

  private static int[] assertSameAsBruteForce(float[] codebook, int size, int d, float[] vectors) {
    int[] nearest = new NearestCodes(codebook, size, d).nearest(vectors);
    VectorQuantizer reference = new VectorQuantizer(codebook, size, d);
    float[] vector = new float[d];
    for (int v = 0; v < nearest.length; v++) {
      System.arraycopy(vectors, v * d, vector, 0, d);
      assertThat(nearest[v]).as("vector %d of %d codes x %d", v, size, d).isEqualTo(reference.nearest(vector));
    }
    return nearest;
  }

  private static float[] gaussian(Random random, int count, double scale) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextGaussian() * scale);
    }
    return values;
  }
}

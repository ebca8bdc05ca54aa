package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorQuantizerTest {
  @Test
  void batchedNearestNeighbourMatchesBruteForce() {
    Random random = new Random(8);
    for (int size : new int[] {64, 3000}) {
      int d = 5;
      float[] codebook = new float[size * d];
      for (int i = 0; i < codebook.length; i++) {
        codebook[i] = (float) random.nextGaussian();
      }
      VectorQuantizer quantizer = new VectorQuantizer(codebook, size, d);
      int batch = 6;
      int h = 9;
      int w = 7;
      float[] latents = new float[batch * d * h * w];
      for (int i = 0; i < latents.length; i++) {
        latents[i] = (float) random.nextGaussian();
      }
      try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
        int[] indices = quantizer.indices(manager.create(latents, new Shape(batch, d, h, w))).toIntArray();
        float[] vector = new float[d];
        for (int b = 0; b < batch; b++) {
          for (int p = 0; p < h * w; p++) {
            for (int c = 0; c < d; c++) {
              vector[c] = latents[(b * d + c) * h * w + p];
            }
            assertThat(indices[b * h * w + p]).isEqualTo(quantizer.nearest(vector));
          }
        }
        NDArray codes = quantizer.codesOfIndices(manager.create(new int[] {0, size - 1}, new Shape(1, 1, 2)));
        float[] values = codes.toFloatArray();
        assertThat(values[0]).isEqualTo(codebook[0]);
        assertThat(values[1]).isEqualTo(codebook[(size - 1) * d]);
      }
    }
  }
}

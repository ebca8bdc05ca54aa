package org.fsqspark.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.fsqspark.image.Psnr;

/** Reconstruction quality and codebook use of the autoencoder on the held-out images, in batches of 500. */
final class Validator {
  private static final int BATCH = 500;
  private static final int SAMPLE_IMAGES = 64;

  private final TrainingImages images;
  private final int first;
  private final int count;
  private final int codes;

  /** Validates on images {@code first .. first + count - 1}; the model emits {@code codes} distinct tokens. */
  Validator(TrainingImages images, int first, int count, int codes) {
    this.images = images;
    this.first = first;
    this.count = count;
    this.codes = codes;
  }

  ValidationMetrics validate(TrainingSession session) {
    if (count == 0) {
      return new ValidationMetrics(Double.NaN, Double.NaN, 0, 0, new int[0], 0);
    }
    int per = images.valuesPerImage();
    float[] buffer = new float[BATCH * per];
    boolean[] used = new boolean[codes];
    double squaredErrorSum = 0;
    double psnrSum = 0;
    int[] sampleTokens = null;
    int sampleImages = 0;
    AutoencoderBlock autoencoder = session.autoencoder();
    ParameterStore store = new ParameterStore(session.manager(), false);
    for (int start = 0; start < count; start += BATCH) {
      int n = Math.min(BATCH, count - start);
      for (int i = 0; i < n; i++) {
        images.write(first + start + i, buffer, i * per);
      }
      try (NDManager scope = session.manager().newSubManager(session.device())) {
        NDArray x = scope.create(java.nio.FloatBuffer.wrap(buffer, 0, n * per),
            new Shape(n, images.channels(), images.height(), images.width()));
        NDArray latents = autoencoder.encoder().forward(store, new NDList(x), false).singletonOrThrow();
        int[] indices = autoencoder.quantizer().indices(store, latents).toIntArray();
        for (int index : indices) {
          used[index] = true;
        }
        if (sampleTokens == null) {
          sampleImages = Math.min(n, SAMPLE_IMAGES);
          sampleTokens = java.util.Arrays.copyOf(indices, sampleImages * (indices.length / n));
        }
        NDArray codes = autoencoder.quantizer().forward(store, new NDList(latents), false).get(0);
        NDArray reconstruction = autoencoder.decoder().forward(store, new NDList(codes), false).singletonOrThrow();
        for (float mse : reconstruction.sub(x).square().reshape(n, -1).mean(new int[] {1}).toFloatArray()) {
          squaredErrorSum += mse;
          psnrSum += Psnr.ofMeanSquaredError(mse);
        }
      }
    }
    int codesUsed = 0;
    for (boolean u : used) {
      codesUsed += u ? 1 : 0;
    }
    return new ValidationMetrics(squaredErrorSum / count, psnrSum / count, (double) codesUsed / used.length, codesUsed,
        sampleTokens, sampleImages);
  }
}

package org.fsqspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Nearest-neighbour lookup in a learned codebook (VQ), batched on the model's device: the index of the
 * codebook vector closest in Euclidean distance to each latent vector. Distances are computed in chunks
 * so a large codebook never needs a (positions x codes) matrix of the whole batch.
 */
public final class VectorQuantizer {
  private static final int CHUNK = 1024;

  private final float[] codebook;
  private final int size;
  private final int dimension;

  public VectorQuantizer(float[] codebook, int size, int dimension) {
    if (codebook.length != size * dimension) {
      throw new IllegalArgumentException("Codebook of " + codebook.length + " floats is not " + size + " x " + dimension);
    }
    this.codebook = codebook.clone();
    this.size = size;
    this.dimension = dimension;
  }

  public int size() {
    return size;
  }

  public int dimension() {
    return dimension;
  }

  /** Indices (INT32, B x h x w) of the nearest codebook vectors to latents B x d x h x w. */
  public NDArray indices(NDArray latents) {
    Shape shape = latents.getShape();
    if (shape.dimension() != 4 || shape.get(1) != dimension) {
      throw new IllegalArgumentException("Latents " + shape + " do not match a codebook of dimension " + dimension);
    }
    NDManager manager = latents.getManager();
    NDArray vectors = latents.toType(DataType.FLOAT32, false).transpose(0, 2, 3, 1).reshape(-1, dimension);
    NDArray codes = manager.create(codebook, new Shape(size, dimension));
    return nearest(vectors, codes).toType(DataType.INT32, false).reshape(shape.get(0), shape.get(2), shape.get(3));
  }

  /**
   * Row index (INT64) of the nearest row of {@code codes} (N x d) for every row of {@code vectors} (M x d),
   * attached to the vectors' manager. Everything in between lives in a scope closed here: DJL attaches a
   * result to its left operand's manager, and the codebook may belong to the model, which lives for a
   * whole training run.
   */
  public static NDArray nearest(NDArray vectors, NDArray codes) {
    NDManager owner = vectors.getManager();
    try (NDManager scope = owner.newSubManager()) {
      NDArray local = codes.stopGradient();
      local.attach(scope);
      NDArray codeNorms = local.square().sum(new int[] {1});
      NDArray codesT = local.transpose();
      long rows = vectors.getShape().get(0);
      ai.djl.ndarray.NDList parts = new ai.djl.ndarray.NDList();
      for (long start = 0; start < rows; start += CHUNK) {
        NDArray chunk = vectors.get(new NDIndex("{}:{}", start, Math.min(rows, start + CHUNK)));
        chunk.attach(scope);
        // |z - e|^2 = |z|^2 - 2 z.e + |e|^2; |z|^2 is the same for every e and does not change the argmin.
        NDArray distances = chunk.matMul(codesT).mul(-2).add(codeNorms);
        parts.add(distances.argMin(1));
      }
      NDArray result = (parts.size() == 1 ? parts.get(0) : ai.djl.ndarray.NDArrays.concat(parts))
          .toType(DataType.INT64, false);
      result.attach(owner);
      return result;
    }
  }

  /** Codebook vectors of indices, as B x d x h x w decoder input. */
  public NDArray codesOfIndices(NDArray indices) {
    Shape shape = indices.getShape();
    NDArray codes = indices.getManager().create(codebook, new Shape(size, dimension));
    NDArray gathered = codes.get(indices.toType(DataType.INT64, false).flatten());
    return gathered.reshape(shape.get(0), shape.get(1), shape.get(2), dimension).transpose(0, 3, 1, 2);
  }

  /** Nearest codebook index of one vector, by brute force in plain Java (the reference for tests). */
  public int nearest(float[] vector) {
    int best = -1;
    double bestDistance = Double.MAX_VALUE;
    for (int k = 0; k < size; k++) {
      double distance = 0;
      for (int c = 0; c < dimension; c++) {
        double difference = vector[c] - codebook[k * dimension + c];
        distance += difference * difference;
      }
      if (distance < bestDistance) {
        bestDistance = distance;
        best = k;
      }
    }
    return best;
  }
}

package org.fsqspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Nearest-neighbour lookup in a learned codebook (VQ): the index of the codebook vector closest in Euclidean
 * distance to each latent vector, found on the CPU with a {@link NearestCodes} tree (exact, and far cheaper
 * than a (positions x codes) distance matrix for large codebooks); decoding gathers codes on the model's device.
 */
public final class VectorQuantizer {
  private final float[] codebook;
  private final int size;
  private final int dimension;
  /** Built on first use; a benign race builds it twice at worst. */
  private volatile NearestCodes tree;

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
    float[] vectors = latents.toType(DataType.FLOAT32, false).transpose(0, 2, 3, 1).reshape(-1, dimension)
        .toFloatArray();
    return latents.getManager().create(search().nearest(vectors), new Shape(shape.get(0), shape.get(2), shape.get(3)));
  }

  /**
   * Row index (INT64) of the nearest row of {@code codes} (N x d) for every row of {@code vectors} (M x d),
   * attached to the vectors' manager; the brute-force answer of {@link #nearest(float[])}, found with a
   * {@link NearestCodes} tree over the codes (built per call: during training the codes change every step).
   */
  public static NDArray nearest(NDArray vectors, NDArray codes) {
    Shape shape = codes.getShape();
    // toFloatArray copies without making an array: nothing new attaches to the codes' (the model's) manager.
    NearestCodes tree = new NearestCodes(codes.toFloatArray(), Math.toIntExact(shape.get(0)),
        Math.toIntExact(shape.get(1)));
    int[] nearest = tree.nearest(vectors.toType(DataType.FLOAT32, false).toFloatArray());
    return vectors.getManager().create(nearest).toType(DataType.INT64, false);
  }

  private NearestCodes search() {
    NearestCodes tree = this.tree;
    if (tree == null) {
      tree = new NearestCodes(codebook, size, dimension);
      this.tree = tree;
    }
    return tree;
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

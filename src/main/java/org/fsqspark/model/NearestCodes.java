package org.fsqspark.model;

/**
 * Exact nearest-neighbour search in a VQ codebook: a k-d tree over the codes, built once per codebook.
 *
 * <p>Brute force costs (vectors x codes) distance evaluations: for 65,536 codes and one training batch of 6,272
 * latent vectors that is 411 million, about 16 s per step in libtorch on this project's CPU, and tokenizing 70,000
 * images would take hours. The codes live in 4 to 6 dimensions, where a k-d tree visits only the few leaves that
 * can hold a closer code.
 *
 * <p>The answer is the brute-force answer, bit for bit: distances are computed exactly as
 * {@link VectorQuantizer#nearest(float[])} computes them (each difference rounded to float, squared and summed
 * in double in channel order), ties go to the lower index, and a subtree is skipped only when its bounding box is
 * strictly farther than the best code so far (float rounding is monotone, so the box bound never exceeds the
 * distance of a code inside the box).
 */
public final class NearestCodes {
  private static final int LEAF = 8;

  private final int size;
  private final int dimension;
  /** The codes in tree order: leaf after leaf. */
  private final float[] points;
  /** Codebook index of each code in tree order. */
  private final int[] index;
  /** Per node: first and end (exclusive) position in tree order; children at 2n+1, 2n+2 unless a leaf. */
  private final int[] first;
  private final int[] end;
  /** Per node: the bounding box, dimension minima then maxima. */
  private final float[] box;
  private final boolean[] leaf;

  /** Builds the tree over {@code codebook}: {@code size} rows of {@code dimension} floats. */
  public NearestCodes(float[] codebook, int size, int dimension) {
    if (size < 1 || dimension < 1 || codebook.length != (long) size * dimension) {
      throw new IllegalArgumentException("Codebook of " + codebook.length + " floats is not " + size + " x "
          + dimension);
    }
    this.size = size;
    this.dimension = dimension;
    this.index = new int[size];
    for (int i = 0; i < size; i++) {
      index[i] = i;
    }
    int nodes = 1;
    while (nodes * LEAF < size) {
      nodes *= 2;
    }
    nodes = 2 * nodes - 1;
    first = new int[nodes];
    end = new int[nodes];
    box = new float[nodes * 2 * dimension];
    leaf = new boolean[nodes];
    build(codebook, 0, 0, size);
    points = new float[size * dimension];
    for (int i = 0; i < size; i++) {
      System.arraycopy(codebook, index[i] * dimension, points, i * dimension, dimension);
    }
  }

  public int size() {
    return size;
  }

  public int dimension() {
    return dimension;
  }

  /** The index of the nearest code to each of the {@code vectors.length / dimension} vectors, row after row. */
  public int[] nearest(float[] vectors) {
    if (vectors.length % dimension != 0) {
      throw new IllegalArgumentException(vectors.length + " floats are not whole vectors of dimension " + dimension);
    }
    int count = vectors.length / dimension;
    int[] result = new int[count];
    int[] stack = new int[64];
    for (int v = 0; v < count; v++) {
      result[v] = search(vectors, v * dimension, stack);
      if (result[v] == Integer.MAX_VALUE) {
        throw new IllegalArgumentException("Vector " + v + " has no nearest code: it contains NaN");
      }
    }
    return result;
  }

  private int search(float[] vectors, int offset, int[] stack) {
    double best = Double.POSITIVE_INFINITY;
    int bestIndex = Integer.MAX_VALUE;
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      int node = stack[--top];
      if (boxDistance(node, vectors, offset) > best) {
        continue;
      }
      if (leaf[node]) {
        for (int p = first[node]; p < end[node]; p++) {
          double distance = 0;
          int base = p * dimension;
          for (int c = 0; c < dimension; c++) {
            double difference = vectors[offset + c] - points[base + c];
            distance += difference * difference;
          }
          if (distance < best || (distance == best && index[p] < bestIndex)) {
            best = distance;
            bestIndex = index[p];
          }
        }
        continue;
      }
      int left = 2 * node + 1;
      int right = left + 1;
      // The nearer child goes on top so it is searched first and tightens the bound for the other.
      boolean leftNearer = boxDistance(left, vectors, offset) <= boxDistance(right, vectors, offset);
      if (top + 2 > stack.length) {
        stack = java.util.Arrays.copyOf(stack, stack.length * 2);
      }
      stack[top++] = leftNearer ? right : left;
      stack[top++] = leftNearer ? left : right;
    }
    return bestIndex;
  }

  /** A lower bound of the distance from the vector to any code in the node's box, computed like the distances. */
  private double boxDistance(int node, float[] vectors, int offset) {
    int lows = node * 2 * dimension;
    int highs = lows + dimension;
    double distance = 0;
    for (int c = 0; c < dimension; c++) {
      float value = vectors[offset + c];
      double gap = 0;
      if (value < box[lows + c]) {
        gap = value - box[lows + c];
      } else if (value > box[highs + c]) {
        gap = value - box[highs + c];
      }
      distance += gap * gap;
    }
    return distance;
  }

  private void build(float[] codebook, int node, int from, int to) {
    first[node] = from;
    end[node] = to;
    int lows = node * 2 * dimension;
    int highs = lows + dimension;
    for (int c = 0; c < dimension; c++) {
      box[lows + c] = Float.POSITIVE_INFINITY;
      box[highs + c] = Float.NEGATIVE_INFINITY;
    }
    for (int i = from; i < to; i++) {
      for (int c = 0; c < dimension; c++) {
        float value = codebook[index[i] * dimension + c];
        box[lows + c] = Math.min(box[lows + c], value);
        box[highs + c] = Math.max(box[highs + c], value);
      }
    }
    if (to - from <= LEAF || 2 * node + 2 >= leaf.length) {
      leaf[node] = true;
      return;
    }
    int axis = 0;
    for (int c = 1; c < dimension; c++) {
      if (box[highs + c] - box[lows + c] > box[highs + axis] - box[lows + axis]) {
        axis = c;
      }
    }
    int middle = (from + to) >>> 1;
    select(codebook, from, to - 1, middle, axis);
    build(codebook, 2 * node + 1, from, middle);
    build(codebook, 2 * node + 2, middle, to);
  }

  /** Reorders index[from..to] so that position k holds the code of rank k along the axis (quickselect). */
  private void select(float[] codebook, int from, int to, int k, int axis) {
    java.util.Random random = new java.util.Random(from * 31L + to);
    while (to > from) {
      float pivot = codebook[index[from + random.nextInt(to - from + 1)] * dimension + axis];
      int i = from;
      int j = to;
      while (i <= j) {
        while (codebook[index[i] * dimension + axis] < pivot) {
          i++;
        }
        while (codebook[index[j] * dimension + axis] > pivot) {
          j--;
        }
        if (i <= j) {
          int swap = index[i];
          index[i] = index[j];
          index[j] = swap;
          i++;
          j--;
        }
      }
      if (k <= j) {
        to = j;
      } else if (k >= i) {
        from = i;
      } else {
        return;
      }
    }
  }
}

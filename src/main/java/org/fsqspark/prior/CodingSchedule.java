package org.fsqspark.prior;

import java.util.Arrays;
import org.fsqspark.error.BadInputException;

/**
 * The deterministic order in which a grid's positions are coded, after M2T ("Masking Transformers Twice",
 * Mentzer et al. 2023): the same for every image, in S steps, few positions in the first steps and more
 * later, so early steps (little context, expensive symbols) are small and later ones (much context, cheap
 * symbols) are large.
 *
 * <p>Order: a quantised low-discrepancy sequence (QLDS). The 2-D R2 sequence {@code (frac(0.5 + n / g),
 * frac(0.5 + n / g^2))}, g the plastic number (the unique real root of x^3 = x + 1), is scaled to the grid
 * and each point taken to the cell it falls in; a cell is kept the first time it is hit. The positions of
 * every step are therefore spread evenly over the grid, and so is the set coded before any step.
 *
 * <p>Step sizes: MaskGIT's cosine schedule read backwards. After step s of S the share of positions still
 * uncoded is cos(pi/2 * s / S), so step s codes about N * (cos(pi/2 (s-1)/S) - cos(pi/2 s/S)) positions,
 * which grows with s. Sizes are rounded to integers that sum to N, each at least 1 and non-decreasing; a
 * grid of fewer than S positions is coded in N steps of one.
 */
public final class CodingSchedule {
  /** The number of steps the FSQ paper's compression cost uses (M2T's setting). */
  public static final int DEFAULT_STEPS = 12;
  /** The plastic number, the R2 sequence's generator. */
  private static final double PLASTIC = 1.324717957244746025960908854478097340734404056901733364534;

  private final int height;
  private final int width;
  private final int[] order;
  private final int[] stepStart;

  private CodingSchedule(int height, int width, int[] order, int[] stepSizes) {
    this.height = height;
    this.width = width;
    this.order = order;
    this.stepStart = new int[stepSizes.length + 1];
    for (int s = 0; s < stepSizes.length; s++) {
      stepStart[s + 1] = stepStart[s] + stepSizes[s];
    }
  }

  /** The M2T-style schedule for a {@code height x width} grid in at most {@code steps} steps. */
  public static CodingSchedule of(int height, int width, int steps) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("A grid must be at least 1x1, got " + height + "x" + width);
    }
    if (steps < 1) {
      throw new BadInputException("--prior-steps must be at least 1, got " + steps);
    }
    int positions = Math.multiplyExact(height, width);
    return new CodingSchedule(height, width, lowDiscrepancyOrder(height, width), stepSizes(positions, steps));
  }

  /** Positions (row-major indices) in coding order, each exactly once. */
  static int[] lowDiscrepancyOrder(int height, int width) {
    int positions = height * width;
    int[] order = new int[positions];
    boolean[] taken = new boolean[positions];
    int found = 0;
    double a1 = 1.0 / PLASTIC;
    double a2 = 1.0 / (PLASTIC * PLASTIC);
    // The R2 sequence fills every cell within a few multiples of N points; the cap only guards the loop.
    long limit = 1000L * positions + 1000;
    for (long n = 0; n < limit && found < positions; n++) {
      double x = frac(0.5 + a1 * n);
      double y = frac(0.5 + a2 * n);
      int row = Math.min(height - 1, (int) (x * height));
      int column = Math.min(width - 1, (int) (y * width));
      int position = row * width + column;
      if (!taken[position]) {
        taken[position] = true;
        order[found++] = position;
      }
    }
    for (int position = 0; position < positions && found < positions; position++) {
      if (!taken[position]) {
        order[found++] = position;
      }
    }
    return order;
  }

  private static double frac(double value) {
    return value - Math.floor(value);
  }

  /** Sizes of the steps: cosine targets, rounded to sum to N, each >= 1, non-decreasing. */
  static int[] stepSizes(int positions, int steps) {
    int count = Math.min(steps, positions);
    double[] target = new double[count];
    for (int s = 0; s < count; s++) {
      // StrictMath: the schedule must be the same on every JVM that decodes what another one coded.
      target[s] = positions
          * (StrictMath.cos(Math.PI / 2 * s / count) - StrictMath.cos(Math.PI / 2 * (s + 1) / count));
    }
    int[] sizes = new int[count];
    int assigned = 0;
    for (int s = 0; s < count; s++) {
      sizes[s] = Math.max(1, (int) Math.floor(target[s]));
      assigned += sizes[s];
    }
    // Hand out what is left (or take back what the minimum of 1 added) from the largest steps first,
    // which keeps the sizes close to their targets; sorting then restores the non-decreasing order.
    for (int s = count - 1; assigned < positions; s = s == 0 ? count - 1 : s - 1) {
      sizes[s]++;
      assigned++;
    }
    for (int s = count - 1; assigned > positions; s = s == 0 ? count - 1 : s - 1) {
      if (sizes[s] > 1) {
        sizes[s]--;
        assigned--;
      }
    }
    Arrays.sort(sizes);
    return sizes;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int positions() {
    return order.length;
  }

  /** Number of steps (at most the requested S; N when the grid has fewer positions). */
  public int steps() {
    return stepStart.length - 1;
  }

  /** Positions (row-major) coded in step {@code step} (0-based). */
  public int[] positionsOf(int step) {
    return Arrays.copyOfRange(order, stepStart[step], stepStart[step + 1]);
  }

  /** How many positions step {@code step} codes. */
  public int sizeOf(int step) {
    return stepStart[step + 1] - stepStart[step];
  }

  /** All positions in coding order. */
  public int[] order() {
    return order.clone();
  }

  /** Step sizes, first to last. */
  public int[] sizes() {
    int[] sizes = new int[steps()];
    for (int s = 0; s < sizes.length; s++) {
      sizes[s] = sizeOf(s);
    }
    return sizes;
  }

  @Override
  public String toString() {
    return "M2T schedule for " + height + "x" + width + ": " + steps() + " steps of " + Arrays.toString(sizes());
  }
}

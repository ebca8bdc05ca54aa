package org.fsqspark.fsq;

import java.util.Arrays;
import org.fsqspark.error.BadDataException;

/**
 * The one definition of FSQ for one channel: its constants and the float32 rounding rule every path follows
 * (the plain-Java quantizer, the NDArray twin on a model's device, {@code fsq quantize}).
 *
 * <p>Constants of a channel of L levels: {@code halfWidth = L // 2}, {@code offset = 0.5} for even L else 0,
 * {@code halfL} and {@code shift} as the {@link Bound} defines them. The defining formula maps a latent z to the
 * digit {@code rint(tanh(z + shift) * halfL - offset) + halfWidth} (symmetric: {@code floor(halfL (tanh z + 1) +
 * 1/2)}; none: {@code rint(z) + halfWidth}), evaluated in float64: {@link #formulaDigit}.
 *
 * <p>The rule: latents are float32, and the digit of a float32 latent z is the number of this channel's
 * thresholds at or below z, where threshold k is the smallest float32 whose formula digit is at least k
 * ({@link #thresholds()}). A comparison of two float32 values is exact in any precision and on any device, so
 * every path that counts thresholds gives the same digit bit for bit; evaluating tanh in float32 would not
 * (libtorch's and Java's tanh differ in the last bit, and so do CPU and GPU kernels). The {@code none} bound
 * has no thresholds: its digit is {@code rint(z) + halfWidth}, exact for every float.
 */
public final class ChannelRule {
  /** Codes from bf16 or fp16 tensors are exact for small L; anything further off the lattice is a bug. */
  private static final double CODE_TOLERANCE = 1e-3;
  /** Up to this many thresholds a branch-free scan beats a binary search. */
  static final int LINEAR_SCAN_THRESHOLDS = 64;

  private final Bound bound;
  private final int levels;
  private final int halfWidth;
  private final double halfL;
  private final double offset;
  private final double shift;
  /** thresholds[k - 1]: the smallest float whose digit is at least k; empty for NONE. */
  private final float[] thresholds;

  ChannelRule(Bound bound, int levels) {
    this.bound = bound;
    this.levels = levels;
    this.halfWidth = levels / 2;
    this.offset = levels % 2 == 0 ? 0.5 : 0.0;
    switch (bound) {
      case ATANH -> {
        this.halfL = (levels - 1) * (1 + Bound.EPS) / 2;
        this.shift = atanh(offset / halfL);
      }
      case PAPER -> {
        this.halfL = (levels - 1) * (1 - Bound.EPS) / 2;
        this.shift = Math.tan(offset / halfL);
      }
      case SYMMETRIC -> {
        this.halfL = (levels - 1) / 2.0;
        this.shift = 0;
      }
      default -> {
        this.halfL = 0;
        this.shift = 0;
      }
    }
    this.thresholds = bound == Bound.NONE ? new float[0] : bisectThresholds();
  }

  public Bound bound() {
    return bound;
  }

  /** L, the number of levels. */
  public int levels() {
    return levels;
  }

  /** {@code L // 2}: the digit of a zero code, and the divisor that normalises codes (not for symmetric). */
  public int halfWidth() {
    return halfWidth;
  }

  /** The bound's half range ({@code (L-1)(1±eps)/2}, or {@code (L-1)/2} for symmetric; 0 for none). */
  public double halfL() {
    return halfL;
  }

  /** 0.5 for even L, else 0 (the tanh bounds). */
  public double offset() {
    return offset;
  }

  /** The shift inside the tanh ({@code atanh} or {@code tan} of {@code offset / halfL}); 0 otherwise. */
  public double shift() {
    return shift;
  }

  /** The L-1 float32 thresholds in ascending order (a copy); empty for the none bound. */
  public float[] thresholds() {
    return thresholds.clone();
  }

  /** The rule: the level digit in {@code 0..L-1} of a float32 latent (finite; see the class comment). */
  public int digit(float z, int channel) {
    if (thresholds.length == 0) {
      return formulaDigit(z, channel);
    }
    if (thresholds.length > LINEAR_SCAN_THRESHOLDS) {
      // Thresholds ascend, so the count at or below z is the first index above it.
      int low = 0;
      int high = thresholds.length;
      while (low < high) {
        int middle = (low + high) >>> 1;
        if (z >= thresholds[middle]) {
          low = middle + 1;
        } else {
          high = middle;
        }
      }
      return low;
    }
    int digit = 0;
    for (float threshold : thresholds) {
      digit += z >= threshold ? 1 : 0;
    }
    return digit;
  }

  /**
   * The defining formula in float64, which the thresholds are derived from; for a float32 z it equals
   * {@link #digit}. Throws for the none bound when z lies outside the channel's levels.
   */
  public int formulaDigit(double z, int channel) {
    int digit = switch (bound) {
      case ATANH, PAPER -> (int) Math.rint(Math.tanh(z + shift) * halfL - offset) + halfWidth;
      case SYMMETRIC -> (int) Math.floor(halfL * (Math.tanh(z) + 1) + 0.5);
      case NONE -> (int) Math.rint(z) + halfWidth;
    };
    if (digit < 0 || digit >= levels) {
      // Only NONE can get here: the tanh variants stay inside the range by construction.
      throw new BadDataException(
          "Latent " + z + " of channel " + channel + " is outside the " + levels + " levels "
              + (-halfWidth) + ".." + (levels - 1 - halfWidth)
              + " that the 'none' bound accepts; the encoder must emit centred integer levels");
    }
    return digit;
  }

  /** The normalised code in [-1, 1] of a digit. */
  public double code(int digit) {
    if (bound == Bound.SYMMETRIC) {
      return (double) (2 * digit - (levels - 1)) / (levels - 1);
    }
    return (double) (digit - halfWidth) / halfWidth;
  }

  /** The digit of a normalised code; throws when the value is not one of this channel's codes. */
  public int digitOfCode(double code, int channel) {
    double scaled = bound == Bound.SYMMETRIC ? (code + 1) * (levels - 1) / 2 : code * halfWidth + halfWidth;
    long digit = Math.round(scaled);
    if (!(Math.abs(scaled - digit) <= CODE_TOLERANCE) || digit < 0 || digit >= levels) {
      throw new BadDataException(
          "Value " + code + " of channel " + channel + " is not one of the " + levels + " normalised codes"
              + " of the " + bound.manifestName() + " bound (" + code(0) + " .. " + code(levels - 1) + ")");
    }
    return (int) digit;
  }

  private float[] bisectThresholds() {
    float[] result = new float[levels - 1];
    for (int k = 1; k < levels; k++) {
      long low = sortable(-Float.MAX_VALUE);
      long high = sortable(Float.MAX_VALUE);
      // Invariant: digit(low) < k <= digit(high); the digit never decreases as z grows.
      while (high - low > 1) {
        long middle = (low + high) >> 1;
        if (formulaDigit(unsortable(middle), 0) >= k) {
          high = middle;
        } else {
          low = middle;
        }
      }
      result[k - 1] = unsortable(high);
    }
    return result;
  }

  /** Maps floats to longs in the same order (negative floats' bit patterns run backwards). */
  private static long sortable(float value) {
    int bits = Float.floatToIntBits(value);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  private static float unsortable(long key) {
    int bits = (int) key;
    return Float.intBitsToFloat(bits ^ ((bits >> 31) & 0x7fffffff));
  }

  private static double atanh(double x) {
    return 0.5 * Math.log((1 + x) / (1 - x));
  }

  @Override
  public String toString() {
    return bound.manifestName() + " L=" + levels + " thresholds " + Arrays.toString(thresholds);
  }
}

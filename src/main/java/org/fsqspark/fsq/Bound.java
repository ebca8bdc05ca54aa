package org.fsqspark.fsq;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How an unbounded latent value is squashed onto a channel's L levels before rounding.
 *
 * <p>Each variant maps a latent z to a level digit {@code k} in {@code 0..L-1} and a digit to the normalised
 * code a decoder consumes. The trained model decides which variant it needs; the manifest names it.
 */
public enum Bound {
  /**
   * The default (lucidrains, NVIDIA Cosmos): {@code tanh(z + atanh(offset/half_l)) * half_l - offset} with
   * {@code half_l = (L-1)(1+eps)/2}; digits {@code round(bound) + L//2}; codes {@code (k - L//2) / (L//2)}.
   */
  ATANH,
  /** The published notebook exactly: like {@link #ATANH} with {@code half_l = (L-1)(1-eps)/2} and {@code tan}. */
  PAPER,
  /**
   * Levels placed symmetrically around zero for even L too (lucidrains {@code preserve_symmetry}):
   * {@code k = floor((L-1)(tanh(z)+1)/2 + 1/2)}; codes {@code 2k/(L-1) - 1}, so L = 2 gives codes -1 and 1.
   */
  SYMMETRIC,
  /**
   * The encoder already emits integer-valued centred levels ({@code k - L//2}); values are rounded and must
   * lie inside the channel's range, otherwise quantization fails instead of clamping a model bug away.
   */
  NONE;

  /** The eps of the reference implementations. */
  public static final double EPS = 1e-3;

  /** Reads a variant by its manifest name ({@code atanh}, {@code paper}, {@code symmetric}, {@code none}). */
  public static Bound parse(String name) {
    if (name != null) {
      for (Bound bound : values()) {
        if (bound.manifestName().equals(name.trim().toLowerCase(Locale.ROOT))) {
          return bound;
        }
      }
    }
    throw new IllegalArgumentException("Unknown bound '" + name + "': expected one of " + names());
  }

  /** All manifest names, comma separated, for help texts and messages. */
  public static String names() {
    return Arrays.stream(values()).map(Bound::manifestName).collect(Collectors.joining(", "));
  }

  /** The lower-case name used in manifests and on the command line. */
  public String manifestName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Most levels per channel any variant quantizes to. Each channel's rule is a table of L-1 float thresholds
   * found by bisection (65,536 levels: 256 KB, built in about 0.4 s), and a digit must stay an exact
   * integer in float32; the FSQ paper uses at most 8.
   */
  public static final int MAX_LEVELS_PER_CHANNEL = 1 << 16;

  /**
   * Most levels per channel of the tanh bounds ({@code atanh}, {@code paper}): their half_l is off the
   * lattice by (L-1)·eps/2, which reaches half a level at L = 1 + 1/eps. Beyond that the outermost levels
   * round outside the channel's range (atanh) or are never reached (paper).
   */
  public static final int MAX_TANH_LEVELS = (int) Math.round(1 / EPS);

  /** Throws when this variant cannot quantize to {@code levels}; the tanh bounds break at L = 2 and above 1000. */
  void checkSupports(Levels levels) {
    for (int i = 0; i < levels.channels(); i++) {
      int count = levels.get(i);
      if (count > MAX_LEVELS_PER_CHANNEL) {
        throw new IllegalArgumentException("Channel " + i + " of levels " + levels + " has " + count
            + " levels; fsq-spark quantizes at most " + MAX_LEVELS_PER_CHANNEL + " levels per channel (each channel"
            + " is a table of L-1 float thresholds); use more channels with fewer levels");
      }
      if (this == SYMMETRIC || this == NONE) {
        continue;
      }
      if (count == 2) {
        throw new IllegalArgumentException(
            "Channel " + i + " of levels " + levels + " has 2 levels, which the " + manifestName()
                + " bound cannot place around zero; use the symmetric bound or at least 3 levels");
      }
      if (count > MAX_TANH_LEVELS) {
        throw new IllegalArgumentException("Channel " + i + " of levels " + levels + " has " + count
            + " levels, but the " + manifestName() + " bound (eps = " + EPS + ") separates at most " + MAX_TANH_LEVELS
            + " levels per channel: above that its outer levels " + (this == ATANH ? "round outside the channel's"
            + " range" : "are never reached") + "; use at most " + MAX_TANH_LEVELS + " levels per channel, or the"
            + " symmetric bound");
      }
    }
  }

  /** Per-channel constants, computed once, that turn a latent into a digit. */
  ChannelRule rule(int levelCount) {
    return new ChannelRule(this, levelCount);
  }

  /** The arithmetic of one channel under one variant; immutable and cheap to evaluate. */
  static final class ChannelRule {
    /** Codes from bf16 or fp16 tensors are exact for small L; anything further off the lattice is a bug. */
    private static final double CODE_TOLERANCE = 1e-3;
    /** Up to this many thresholds a branch-free scan beats a binary search. */
    private static final int LINEAR_SCAN_THRESHOLDS = 64;

    private final Bound bound;
    private final int levels;
    private final int halfWidth;
    private final double halfL;
    private final double offset;
    private final double shift;
    /** thresholds[k - 1]: the smallest float whose digit is at least k; null for NONE. */
    private final float[] thresholds;

    private ChannelRule(Bound bound, int levels) {
      this.bound = bound;
      this.levels = levels;
      this.halfWidth = levels / 2;
      this.offset = levels % 2 == 0 ? 0.5 : 0.0;
      switch (bound) {
        case ATANH -> {
          this.halfL = (levels - 1) * (1 + EPS) / 2;
          this.shift = atanh(offset / halfL);
        }
        case PAPER -> {
          this.halfL = (levels - 1) * (1 - EPS) / 2;
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
      this.thresholds = bound == NONE ? null : thresholds();
    }

    /**
     * Level digit of a float latent without evaluating tanh: the number of thresholds at or below it. The
     * thresholds are found by bisection over all floats against {@link #digit(double, int)}, so this gives
     * exactly the same digit for every float input, only about ten times faster.
     */
    int digit(float z, int channel) {
      if (thresholds == null) {
        return digit((double) z, channel);
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

    private float[] thresholds() {
      float[] result = new float[levels - 1];
      for (int k = 1; k < levels; k++) {
        long low = sortable(-Float.MAX_VALUE);
        long high = sortable(Float.MAX_VALUE);
        // Invariant: digit(low) < k <= digit(high); the digit never decreases as z grows.
        while (high - low > 1) {
          long middle = (low + high) >> 1;
          if (digit((double) unsortable(middle), 0) >= k) {
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

    /** Level digit in {@code 0..L-1} of a finite latent value. */
    int digit(double z, int channel) {
      int digit = switch (bound) {
        case ATANH, PAPER -> (int) Math.rint(Math.tanh(z + shift) * halfL - offset) + halfWidth;
        case SYMMETRIC -> (int) Math.floor(halfL * (Math.tanh(z) + 1) + 0.5);
        case NONE -> (int) Math.rint(z) + halfWidth;
      };
      if (digit < 0 || digit >= levels) {
        // Only NONE can get here: the tanh variants stay inside the range by construction.
        throw new IllegalArgumentException(
            "Latent " + z + " of channel " + channel + " is outside the " + levels + " levels "
                + (-halfWidth) + ".." + (levels - 1 - halfWidth)
                + " that the 'none' bound accepts; the encoder must emit centred integer levels");
      }
      return digit;
    }

    /** The normalised code in [-1, 1] of a digit. */
    double code(int digit) {
      if (bound == SYMMETRIC) {
        return (double) (2 * digit - (levels - 1)) / (levels - 1);
      }
      return (double) (digit - halfWidth) / halfWidth;
    }

    /** The digit of a normalised code; throws when the value is not one of this channel's codes. */
    int digitOfCode(double code, int channel) {
      double scaled = bound == SYMMETRIC ? (code + 1) * (levels - 1) / 2 : code * halfWidth + halfWidth;
      long digit = Math.round(scaled);
      if (!(Math.abs(scaled - digit) <= CODE_TOLERANCE) || digit < 0 || digit >= levels) {
        throw new IllegalArgumentException(
            "Value " + code + " of channel " + channel + " is not one of the " + levels + " normalised codes"
                + " of the " + bound.manifestName() + " bound (" + code(0) + " .. " + code(levels - 1) + ")");
      }
      return (int) digit;
    }

    private static double atanh(double x) {
      return 0.5 * Math.log((1 + x) / (1 - x));
    }
  }
}

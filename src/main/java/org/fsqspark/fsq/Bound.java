package org.fsqspark.fsq;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.fsqspark.error.BadInputException;

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
    throw new BadInputException("Unknown bound '" + name + "': expected one of " + names());
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
        throw new BadInputException("Channel " + i + " of levels " + levels + " has " + count
            + " levels; fsq-spark quantizes at most " + MAX_LEVELS_PER_CHANNEL + " levels per channel (each channel"
            + " is a table of L-1 float thresholds); use more channels with fewer levels");
      }
      if (this == SYMMETRIC || this == NONE) {
        continue;
      }
      if (count == 2) {
        throw new BadInputException(
            "Channel " + i + " of levels " + levels + " has 2 levels, which the " + manifestName()
                + " bound cannot place around zero; use the symmetric bound or at least 3 levels");
      }
      if (count > MAX_TANH_LEVELS) {
        throw new BadInputException("Channel " + i + " of levels " + levels + " has " + count
            + " levels, but the " + manifestName() + " bound (eps = " + EPS + ") separates at most " + MAX_TANH_LEVELS
            + " levels per channel: above that its outer levels " + (this == ATANH ? "round outside the channel's"
            + " range" : "are never reached") + "; use at most " + MAX_TANH_LEVELS + " levels per channel, or the"
            + " symmetric bound");
      }
    }
  }

  /** Per-channel constants and the float32 rule of one channel of {@code levelCount} levels. */
  ChannelRule rule(int levelCount) {
    return new ChannelRule(this, levelCount);
  }
}

package org.fsqspark.fsq;

import java.io.Serializable;
import org.fsqspark.error.BadDataException;
import org.fsqspark.error.BadInputException;

/**
 * Finite Scalar Quantization of latent vectors: bound each channel, round it to one of L_i levels, and
 * read the level digits as a mixed-radix token index.
 *
 * <p>Latents are float32 and each channel follows its {@link ChannelRule}: the one definition that the NDArray
 * twin on a model's device and {@code fsq quantize} follow too, so the same latents give the same tokens on
 * every path. Latent vectors are channel-last: vector {@code v} occupies {@code latents[v*d .. v*d+d-1]}.
 * NaN and infinite latents are rejected: they mean the encoder is broken, not that an image is unusual.
 */
public final class FiniteScalarQuantizer implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Levels levels;
  private final Bound bound;
  private transient ChannelRule[] rules;

  public FiniteScalarQuantizer(Levels levels, Bound bound) {
    if (levels == null || bound == null) {
      throw new BadInputException("Levels and bound are required, got " + levels + " and " + bound);
    }
    bound.checkSupports(levels);
    this.levels = levels;
    this.bound = bound;
  }

  public Levels levels() {
    return levels;
  }

  public Bound bound() {
    return bound;
  }

  /** The constants and rule of one channel. */
  public ChannelRule rule(int channel) {
    return rules()[channel];
  }

  /** Token index of the latent vector that starts at {@code offset}. */
  public int index(float[] latents, int offset) {
    ChannelRule[] channelRules = rules();
    int index = 0;
    for (int c = 0; c < channelRules.length; c++) {
      index += channelRules[c].digit(finite(latents[offset + c], offset + c), c) * levels.basis(c);
    }
    return index;
  }

  /** Token indices of {@code count} consecutive channel-last latent vectors. */
  public void indices(float[] latents, int count, int[] out) {
    int d = levels.channels();
    checkLength(latents.length, count);
    for (int v = 0; v < count; v++) {
      out[v] = index(latents, v * d);
    }
  }

  /** Token index of latents laid out channel-first, as a conv encoder emits them: {@code [c][position]}. */
  public int indexChannelFirst(float[] latents, int base, int position, int positions) {
    ChannelRule[] channelRules = rules();
    int index = 0;
    for (int c = 0; c < channelRules.length; c++) {
      int at = base + c * positions + position;
      index += channelRules[c].digit(finite(latents[at], at), c) * levels.basis(c);
    }
    return index;
  }

  /**
   * Token indices of {@code count} images of channel-first latents ({@code [image][channel][position]}, as a
   * conv encoder's batch comes out) into {@code out} ({@code [image][position]}); the same tokens as
   * {@link #indexChannelFirst}. Channel by channel, so the latents are read in order and each channel's
   * thresholds are fetched once per batch. Thresholds are counted without branches: {@code z >= t} exactly when
   * the float {@code t - z} is negative or +0 (a difference of finite floats is zero only when they are equal,
   * and +0 then; a -0 threshold is counted as +0, which compares the same), so that
   * {@code floatToRawIntBits(t - z) - 1} is negative. A branch per comparison mispredicts on every other
   * latent; measured on 64 images of 32x32x4 latents, levels [8,5,5,5], C1-compiled: 0.061 against 0.11 ms
   * per image.
   */
  public void indicesChannelFirst(float[] latents, int count, int positions, int[] out) {
    ChannelRule[] channelRules = rules();
    int d = channelRules.length;
    checkLength(latents.length, Math.multiplyExact(count, positions));
    java.util.Arrays.fill(out, 0, count * positions, 0);
    for (int c = 0; c < d; c++) {
      ChannelRule rule = channelRules[c];
      float[] thresholds = rule.thresholds();
      for (int k = 0; k < thresholds.length; k++) {
        thresholds[k] += 0f; // -0 becomes +0
      }
      boolean scan = thresholds.length > 0 && thresholds.length <= ChannelRule.LINEAR_SCAN_THRESHOLDS;
      int basis = levels.basis(c);
      for (int image = 0; image < count; image++) {
        int from = (image * d + c) * positions;
        int to = image * positions;
        for (int p = 0; p < positions; p++) {
          float z = finite(latents[from + p], from + p);
          int digit;
          if (scan) {
            digit = 0;
            for (float threshold : thresholds) {
              digit += (Float.floatToRawIntBits(threshold - z) - 1) >>> 31;
            }
          } else {
            digit = rule.digit(z, c);
          }
          out[to + p] += digit * basis;
        }
      }
    }
  }

  /** Level digits ({@code 0..L_i-1}) of the latent vector at {@code offset}, written into {@code digits}. */
  public void digits(float[] latents, int offset, int[] digits) {
    ChannelRule[] channelRules = rules();
    for (int c = 0; c < channelRules.length; c++) {
      digits[c] = channelRules[c].digit(finite(latents[offset + c], offset + c), c);
    }
  }

  /** The quantized latent as normalised codes in [-1, 1], what a decoder consumes. */
  public double[] quantize(float[] latent) {
    checkLength(latent.length, 1);
    int[] digits = new int[levels.channels()];
    digits(latent, 0, digits);
    return codesOfDigits(digits);
  }

  /** Normalised codes of a token index (one row of the implicit codebook, computed, not looked up). */
  public double[] codes(int index) {
    int[] digits = new int[levels.channels()];
    levels.digitsOf(index, digits);
    return codesOfDigits(digits);
  }

  /** Token index of normalised codes; throws when a value is not a code of its channel. */
  public int indexOfCodes(double[] codes) {
    checkLength(codes.length, 1);
    ChannelRule[] channelRules = rules();
    int index = 0;
    for (int c = 0; c < channelRules.length; c++) {
      index += channelRules[c].digitOfCode(codes[c], c) * levels.basis(c);
    }
    return index;
  }

  private double[] codesOfDigits(int[] digits) {
    ChannelRule[] channelRules = rules();
    double[] codes = new double[digits.length];
    for (int c = 0; c < digits.length; c++) {
      codes[c] = channelRules[c].code(digits[c]);
    }
    return codes;
  }

  private ChannelRule[] rules() {
    ChannelRule[] current = rules;
    if (current == null) {
      current = new ChannelRule[levels.channels()];
      for (int c = 0; c < current.length; c++) {
        current[c] = bound.rule(levels.get(c));
      }
      rules = current;
    }
    return current;
  }

  private void checkLength(int length, int vectors) {
    long expected = (long) vectors * levels.channels();
    if (length < expected) {
      throw new IllegalArgumentException(
          "Expected " + expected + " latent values (" + vectors + " vectors of " + levels.channels()
              + " channels for levels " + levels + ") but got " + length);
    }
  }

  private static float finite(float value, int position) {
    if (!Float.isFinite(value)) {
      throw new BadDataException(
          "Latent at position " + position + " is " + value + ": latents must be finite (a NaN or infinity means the"
              + " encoder is broken)");
    }
    return value;
  }

  @Override
  public String toString() {
    return "FSQ(levels=" + levels + ", bound=" + bound.manifestName() + ", |C|=" + levels.codebookSize() + ")";
  }
}

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

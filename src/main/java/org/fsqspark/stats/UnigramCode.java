package org.fsqspark.stats;

import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The two-pass static model: the global histogram, transmitted once as a header (the gaps between used
 * codes and their counts, Elias-gamma coded), then every token coded with those fixed frequencies.
 */
public final class UnigramCode implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] usedCodes;
  private final long[] counts;
  private transient StaticModel model;

  private UnigramCode(int[] usedCodes, long[] counts) {
    this.usedCodes = usedCodes;
    this.counts = counts;
  }

  /** The code for a histogram's non-zero counts. */
  public static UnigramCode of(CodebookHistogram histogram) {
    int used = histogram.usedCodes();
    int[] codes = new int[used];
    long[] counts = new long[used];
    int[] n = new int[1];
    histogram.forEachNonZero((code, count) -> {
      codes[n[0]] = code;
      counts[n[0]++] = count;
    });
    return new UnigramCode(codes, counts);
  }

  /** The header a decoder needs: used codes and their counts. */
  public byte[] header() {
    BitWriter bits = new BitWriter();
    bits.gamma(usedCodes.length + 1L);
    int previous = -1;
    for (int i = 0; i < usedCodes.length; i++) {
      bits.gamma(usedCodes[i] - previous);
      bits.gamma(counts[i]);
      previous = usedCodes[i];
    }
    return bits.finish();
  }

  /** Reads a header written by {@link #header()}. */
  public static UnigramCode fromHeader(byte[] header) {
    BitReader bits = new BitReader(header);
    int used = (int) (bits.gamma() - 1);
    int[] codes = new int[used];
    long[] counts = new long[used];
    int previous = -1;
    for (int i = 0; i < used; i++) {
      codes[i] = previous + (int) bits.gamma();
      counts[i] = bits.gamma();
      previous = codes[i];
    }
    return new UnigramCode(codes, counts);
  }

  public void encode(RangeEncoder encoder, int token) {
    int rank = Arrays.binarySearch(usedCodes, token);
    if (rank < 0) {
      throw new IllegalArgumentException("Token " + token + " is not in the histogram this unigram model was built from");
    }
    model().encode(encoder, rank);
  }

  public int decode(RangeDecoder decoder) {
    return usedCodes[model().decode(decoder)];
  }

  private StaticModel model() {
    if (model == null) {
      model = new StaticModel(counts);
    }
    return model;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof UnigramCode that && Arrays.equals(usedCodes, that.usedCodes)
        && Arrays.equals(counts, that.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(usedCodes) * 31 + Arrays.hashCode(counts);
  }

  /** Writes bits most significant first. */
  static final class BitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int current;
    private int filled;

    void bit(int bit) {
      current = (current << 1) | bit;
      if (++filled == 8) {
        out.write(current);
        current = 0;
        filled = 0;
      }
    }

    /** Elias gamma code of a value >= 1. */
    void gamma(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("Elias gamma codes values >= 1, got " + value);
      }
      int length = 63 - Long.numberOfLeadingZeros(value);
      for (int i = 0; i < length; i++) {
        bit(0);
      }
      for (int i = length; i >= 0; i--) {
        bit((int) ((value >>> i) & 1));
      }
    }

    byte[] finish() {
      while (filled != 0) {
        bit(0);
      }
      return out.toByteArray();
    }
  }

  /** Reads what {@link BitWriter} wrote. */
  static final class BitReader {
    private final byte[] in;
    private long position;

    BitReader(byte[] in) {
      this.in = in;
    }

    int bit() {
      int index = (int) (position >>> 3);
      if (index >= in.length) {
        throw new IllegalArgumentException("Header ends early at bit " + position);
      }
      int bit = (in[index] >>> (7 - (position & 7))) & 1;
      position++;
      return bit;
    }

    long gamma() {
      int length = 0;
      while (bit() == 0) {
        length++;
      }
      long value = 1;
      for (int i = 0; i < length; i++) {
        value = (value << 1) | bit();
      }
      return value;
    }
  }
}

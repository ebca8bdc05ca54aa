package org.fsqspark.io.export;

/** The unsigned little-endian integer a {@code bin} export stores tokens as: the narrowest that holds them. */
public enum TokenDtype {
  UINT16("<u2", 2),
  UINT32("<u4", 4);

  private final String numpy;
  private final int bytes;

  TokenDtype(String numpy, int bytes) {
    this.numpy = numpy;
    this.bytes = bytes;
  }

  /** The type for values {@code 0 .. values - 1}: uint16 up to 65,536 values. */
  public static TokenDtype forValues(long values) {
    if (values < 1 || values > 1L << 32) {
      throw new IllegalArgumentException("A bin export stores 1 to 2^32 token values, got " + values);
    }
    return values <= 1 << 16 ? UINT16 : UINT32;
  }

  /** NumPy's name for it ({@code <u2}, {@code <u4}). */
  public String numpy() {
    return numpy;
  }

  public int bytes() {
    return bytes;
  }
}

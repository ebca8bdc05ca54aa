package org.fsqspark.image;

/** JPEG framing for {@link TruncationCheck}: marker segments and entropy-coded scans up to the end-of-image marker. */
final class JpegFraming {
  private JpegFraming() {}

  /** Marker segments, then each scan's entropy-coded data (where FF is followed by 00 or a restart marker). */
  static String damage(byte[] b) {
    int n = b.length;
    int i = 2;
    int scans = 0;
    while (true) {
      while (i < n && (b[i] & 0xff) != 0xff) {
        i++; // stray bytes between segments: decoders skip them (libjpeg warns about "extraneous bytes")
      }
      while (i < n && (b[i] & 0xff) == 0xff) {
        i++; // fill bytes
      }
      if (i >= n) {
        return TruncationCheck.truncated("JPEG", "the file ends after " + n + " bytes without an end-of-image marker (FF D9)"
            + (scans == 0 ? ", before any image data" : ""));
      }
      int marker = b[i] & 0xff;
      int at = i - 1;
      i++;
      if (marker == 0xd9) {
        return null;
      }
      if (marker == 0x00 || marker == 0x01 || marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
        continue; // no length field
      }
      if (i + 2 > n) {
        return TruncationCheck.truncated("JPEG", "the file ends after " + n + " bytes inside the header of segment "
            + TruncationCheck.hexMarker(marker) + " at byte " + at);
      }
      int length = ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
      if (length < 2) {
        return "corrupt JPEG: segment " + TruncationCheck.hexMarker(marker) + " at byte " + at + " declares a length of " + length;
      }
      if ((long) i + length > n) {
        return TruncationCheck.truncated("JPEG", "the file ends after " + n + " bytes inside segment " + TruncationCheck.hexMarker(marker)
            + " at byte " + at + ", which declares " + length + " bytes");
      }
      i += length;
      if (marker == 0xda) {
        scans++;
        i = endOfEntropyData(b, i);
        if (i >= n) {
          return TruncationCheck.truncated("JPEG", "the file ends after " + n + " bytes inside the compressed data of scan "
              + scans + ", without an end-of-image marker (FF D9)");
        }
      }
    }
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Whether any byte of {@code word} is FF: the classic zero-byte test on its complement. */
  private static boolean holdsFf(long word) {
    long inverted = ~word;
    return ((inverted - 0x0101010101010101L) & ~inverted & 0x8080808080808080L) != 0;
  }

  /** Index of the FF that starts the next marker after entropy-coded data, or the length when none does. */
  static int endOfEntropyData(byte[] b, int from) {
    int n = b.length;
    int i = from;
    while (i < n - 1) {
      if (b[i] != (byte) 0xff) {
        // Eight bytes at a time while none of them is FF (most of the data: FF is one byte in a few hundred).
        while (i + 8 <= n && !holdsFf((long) LONGS.get(b, i))) {
          i += 8;
        }
        if (i >= n - 1 || b[i] != (byte) 0xff) {
          i++;
          continue;
        }
      }
      int next = b[i + 1] & 0xff;
      if (next == 0x00 || (next >= 0xd0 && next <= 0xd7)) {
        i += 2; // stuffed FF, or a restart marker inside the scan
      } else if (next == 0xff) {
        i++; // fill byte before a marker
      } else {
        return i;
      }
    }
    return n;
  }
}

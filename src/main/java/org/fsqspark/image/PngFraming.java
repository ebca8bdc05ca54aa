package org.fsqspark.image;

import java.util.zip.CRC32;

/** PNG framing for {@link TruncationCheck}: chunks and their CRCs up to IEND. */
final class PngFraming {
  private static final int IEND = 0x49454e44;

  private PngFraming() {}

  /** Chunks with their CRCs up to IEND; what follows IEND is ignored, as decoders do. */
  static String damage(byte[] b) {
    int n = b.length;
    if (n < 8) {
      return TruncationCheck.truncated("PNG", "the file ends after " + n + " bytes, inside its signature");
    }
    long i = 8;
    CRC32 crc = new CRC32();
    while (true) {
      if (i == n) {
        return TruncationCheck.truncated("PNG", "the file ends after " + n + " bytes without an IEND chunk");
      }
      if (i + 8 > n) {
        return TruncationCheck.truncated("PNG", "the file ends after " + n + " bytes inside a chunk header at byte " + i);
      }
      long length = TruncationCheck.readIntBigEndian(b, (int) i) & 0xffffffffL;
      int type = TruncationCheck.readIntBigEndian(b, (int) i + 4);
      String name = TruncationCheck.chunkName(type);
      if (length > Integer.MAX_VALUE) {
        return "corrupt PNG: chunk " + name + " at byte " + i + " declares " + length + " bytes";
      }
      if (i + 12 + length > n) {
        return TruncationCheck.truncated("PNG", "the file ends after " + n + " bytes inside its " + name + " chunk at byte " + i
            + ", which declares " + length + " bytes" + (type == IEND ? "" : ", and has no IEND chunk"));
      }
      crc.reset();
      crc.update(b, (int) i + 4, (int) length + 4);
      int stored = TruncationCheck.readIntBigEndian(b, (int) (i + 8 + length));
      if ((int) crc.getValue() != stored) {
        return "corrupt PNG: the " + name + " chunk at byte " + i + " fails its CRC check (damaged data)";
      }
      if (type == IEND) {
        return null;
      }
      i += 12 + length;
    }
  }

  /**
   * A PNG that ends early, closed so that a decoder reaches its pixel data: the whole chunks, the last
   * partial chunk cut to the bytes present (with a fresh CRC), then IEND. Some readers (the JDK's, for
   * palette images) walk every chunk before decoding any pixel and give up at the missing end otherwise.
   */
  static byte[] closed(byte[] b) {
    int n = b.length;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n + 12);
    out.write(b, 0, Math.min(8, n));
    long i = 8;
    CRC32 crc = new CRC32();
    while (i + 8 <= n) {
      long length = TruncationCheck.readIntBigEndian(b, (int) i) & 0xffffffffL;
      if (TruncationCheck.readIntBigEndian(b, (int) i + 4) == IEND) {
        break;
      }
      long end = i + 12 + length;
      if (end <= n) {
        out.write(b, (int) i, (int) (end - i));
        i = end;
        continue;
      }
      int present = (int) Math.min(length, n - (i + 8));
      writeChunk(out, crc, b, (int) i + 4, present);
      break;
    }
    writeChunk(out, crc, new byte[] {'I', 'E', 'N', 'D'}, 0, 0);
    return out.toByteArray();
  }

  /** Length, the 4-byte type at {@code typeAt} followed by {@code length} data bytes, and their CRC. */
  static void writeChunk(java.io.ByteArrayOutputStream out, CRC32 crc, byte[] source, int typeAt,
      int length) {
    byte[] word = new byte[4];
    writeIntBigEndian(word, length);
    out.write(word, 0, 4);
    out.write(source, typeAt, 4 + length);
    crc.reset();
    crc.update(source, typeAt, 4 + length);
    writeIntBigEndian(word, (int) crc.getValue());
    out.write(word, 0, 4);
  }

  static void writeIntBigEndian(byte[] target, int value) {
    target[0] = (byte) (value >>> 24);
    target[1] = (byte) (value >>> 16);
    target[2] = (byte) (value >>> 8);
    target[3] = (byte) value;
  }
}

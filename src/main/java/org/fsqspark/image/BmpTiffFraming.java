package org.fsqspark.image;

/** BMP and TIFF framing for {@link TruncationCheck}: the pixel array a BMP header declares, a TIFF's first directory. */
final class BmpTiffFraming {
  private BmpTiffFraming() {}

  /** The pixel array the header describes: rows padded to 4 bytes, or the declared size when compressed. */
  static String bmp(byte[] b) {
    long n = b.length;
    if (n < 26) {
      return TruncationCheck.truncated("BMP", "the file ends after " + n + " bytes, inside its headers");
    }
    long fileSize = TruncationCheck.readIntLittleEndian(b, 2) & 0xffffffffL;
    long pixelOffset = TruncationCheck.readIntLittleEndian(b, 10) & 0xffffffffL;
    long headerSize = TruncationCheck.readIntLittleEndian(b, 14) & 0xffffffffL;
    long width;
    long height;
    int bitsPerPixel;
    long compression = 0;
    long imageSize = 0;
    if (headerSize == 12) {
      width = TruncationCheck.readShortLittleEndian(b, 18);
      height = TruncationCheck.readShortLittleEndian(b, 20);
      bitsPerPixel = TruncationCheck.readShortLittleEndian(b, 24);
    } else if (headerSize >= 40) {
      if (n < 38) {
        return TruncationCheck.truncated("BMP", "the file ends after " + n + " bytes, inside its headers");
      }
      width = TruncationCheck.readIntLittleEndian(b, 18);
      height = Math.abs((long) TruncationCheck.readIntLittleEndian(b, 22));
      bitsPerPixel = TruncationCheck.readShortLittleEndian(b, 28);
      compression = TruncationCheck.readIntLittleEndian(b, 30) & 0xffffffffL;
      imageSize = TruncationCheck.readIntLittleEndian(b, 34) & 0xffffffffL;
    } else {
      return null;
    }
    long needed;
    if (compression == 0 || compression == 3 || compression == 6) {
      if (width <= 0 || height <= 0 || bitsPerPixel <= 0 || bitsPerPixel > 64) {
        return null; // the decoder reports a nonsensical header better
      }
      long rowBytes = (width * bitsPerPixel + 31) / 32 * 4;
      needed = pixelOffset + rowBytes * height;
    } else if (imageSize > 0) {
      needed = pixelOffset + imageSize;
    } else {
      needed = fileSize;
    }
    if (n < needed) {
      return TruncationCheck.truncated("BMP", "its header describes " + needed + " bytes of headers and pixels, the file has " + n);
    }
    return null;
  }

  /** The first directory and the strips or tiles it points to (classic TIFF; BigTIFF is left to the decoder). */
  static String tiff(byte[] b) {
    boolean little = b[0] == 'I';
    long n = b.length;
    if (n < 8) {
      return TruncationCheck.truncated("TIFF", "the file ends after " + n + " bytes, inside its header");
    }
    long directory = TruncationCheck.readInt(b, 4, little) & 0xffffffffL;
    if (directory + 2 > n) {
      return TruncationCheck.truncated("TIFF", "its first directory is at byte " + directory + ", the file has " + n + " bytes");
    }
    int entries = TruncationCheck.readShort(b, (int) directory, little);
    if (directory + 2 + 12L * entries > n) {
      return TruncationCheck.truncated("TIFF", "the file ends after " + n + " bytes inside its first directory");
    }
    long[] offsets = null;
    long[] counts = null;
    String unit = "strip";
    for (int e = 0; e < entries; e++) {
      int entry = (int) directory + 2 + 12 * e;
      int tag = TruncationCheck.readShort(b, entry, little);
      if (tag != 273 && tag != 279 && tag != 324 && tag != 325) {
        continue;
      }
      long[] values = tiffValues(b, entry, little);
      if (values == null) {
        return TruncationCheck.truncated("TIFF", "the values of tag " + tag + " lie past the end of the file (" + n + " bytes)");
      }
      if (tag == 273 || tag == 324) {
        offsets = values;
      } else {
        counts = values;
      }
      if (tag >= 324) {
        unit = "tile";
      }
    }
    if (offsets == null || counts == null) {
      return null;
    }
    for (int k = 0; k < Math.min(offsets.length, counts.length); k++) {
      if (offsets[k] + counts[k] > n) {
        return TruncationCheck.truncated("TIFF", unit + " " + k + " occupies bytes " + offsets[k] + " to " + (offsets[k] + counts[k])
            + ", the file has " + n);
      }
    }
    return null;
  }

  /** SHORT or LONG values of one directory entry, inline or at their offset; null when they lie past the end. */
  static long[] tiffValues(byte[] b, int entry, boolean little) {
    int type = TruncationCheck.readShort(b, entry + 2, little);
    long count = TruncationCheck.readInt(b, entry + 4, little) & 0xffffffffL;
    int size = type == 3 ? 2 : type == 4 ? 4 : 0;
    if (size == 0 || count > (1 << 24)) {
      return new long[0];
    }
    long at = count * size <= 4 ? entry + 8 : TruncationCheck.readInt(b, entry + 8, little) & 0xffffffffL;
    if (at + count * size > b.length) {
      return null;
    }
    long[] values = new long[(int) count];
    for (int k = 0; k < count; k++) {
      int position = (int) at + k * size;
      values[k] = size == 2 ? TruncationCheck.readShort(b, position, little) : TruncationCheck.readInt(b, position, little) & 0xffffffffL;
    }
    return values;
  }
}

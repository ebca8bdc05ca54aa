package org.fsqspark.image;

import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Finds encoded images that end early or whose framing is broken, from the bytes alone, before any pixel
 * is decoded. Decoders disagree on such files: the JPEG reader fills the missing part with grey and only
 * warns, the PNG, GIF, BMP and WebP readers return a whole image when just the trailer is missing, so a
 * cut-off download would otherwise become a token row. PIL refuses all of them by default.
 *
 * <p>Each check walks the container's own framing: JPEG marker segments and entropy-coded scans up to the
 * end-of-image marker (bytes after it are ignored, as decoders do), PNG chunks with their CRCs up to IEND,
 * GIF blocks up to the trailer, the RIFF size of WebP, the pixel array a BMP header declares, and the strips
 * or tiles of a TIFF's first directory. The walk is linear in the file size and allocates nothing. Formats
 * it does not know, and framing it cannot interpret, are left to the decoder.
 */
public final class TruncationCheck {
  private TruncationCheck() {}

  /** Why {@code bytes} are not a whole image, or empty when the framing is complete (or unknown). */
  public static Optional<String> damage(byte[] bytes) {
    if (bytes == null || bytes.length < 4) {
      return Optional.empty();
    }
    int b0 = bytes[0] & 0xff;
    int b1 = bytes[1] & 0xff;
    String reason;
    if (b0 == 0xff && b1 == 0xd8) {
      reason = jpeg(bytes);
    } else if (b0 == 0x89 && b1 == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
      reason = png(bytes);
    } else if (b0 == 'G' && b1 == 'I' && bytes[2] == 'F' && bytes[3] == '8') {
      reason = gif(bytes);
    } else if (b0 == 'R' && b1 == 'I' && bytes[2] == 'F' && bytes[3] == 'F' && bytes.length >= 12
        && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B' && bytes[11] == 'P') {
      reason = webp(bytes);
    } else if (b0 == 'B' && b1 == 'M') {
      reason = bmp(bytes);
    } else if ((b0 == 'I' && b1 == 'I' && bytes[2] == 42 && bytes[3] == 0)
        || (b0 == 'M' && b1 == 'M' && bytes[2] == 0 && bytes[3] == 42)) {
      reason = tiff(bytes);
    } else {
      reason = null;
    }
    return Optional.ofNullable(reason);
  }

  /** Marker segments, then each scan's entropy-coded data (where FF is followed by 00 or a restart marker). */
  private static String jpeg(byte[] b) {
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
        return truncated("JPEG", "the file ends after " + n + " bytes without an end-of-image marker (FF D9)"
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
        return truncated("JPEG", "the file ends after " + n + " bytes inside the header of segment "
            + hexMarker(marker) + " at byte " + at);
      }
      int length = ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
      if (length < 2) {
        return "corrupt JPEG: segment " + hexMarker(marker) + " at byte " + at + " declares a length of " + length;
      }
      if ((long) i + length > n) {
        return truncated("JPEG", "the file ends after " + n + " bytes inside segment " + hexMarker(marker)
            + " at byte " + at + ", which declares " + length + " bytes");
      }
      i += length;
      if (marker == 0xda) {
        scans++;
        i = endOfEntropyData(b, i);
        if (i >= n) {
          return truncated("JPEG", "the file ends after " + n + " bytes inside the compressed data of scan "
              + scans + ", without an end-of-image marker (FF D9)");
        }
      }
    }
  }

  /** Index of the FF that starts the next marker after entropy-coded data, or the length when none does. */
  private static int endOfEntropyData(byte[] b, int from) {
    int n = b.length;
    int i = from;
    while (i < n - 1) {
      if (b[i] != (byte) 0xff) {
        i++;
        continue;
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

  private static final int IEND = 0x49454e44;

  /** Chunks with their CRCs up to IEND; what follows IEND is ignored, as decoders do. */
  private static String png(byte[] b) {
    int n = b.length;
    if (n < 8) {
      return truncated("PNG", "the file ends after " + n + " bytes, inside its signature");
    }
    long i = 8;
    CRC32 crc = new CRC32();
    while (true) {
      if (i == n) {
        return truncated("PNG", "the file ends after " + n + " bytes without an IEND chunk");
      }
      if (i + 8 > n) {
        return truncated("PNG", "the file ends after " + n + " bytes inside a chunk header at byte " + i);
      }
      long length = readIntBigEndian(b, (int) i) & 0xffffffffL;
      int type = readIntBigEndian(b, (int) i + 4);
      String name = chunkName(type);
      if (length > Integer.MAX_VALUE) {
        return "corrupt PNG: chunk " + name + " at byte " + i + " declares " + length + " bytes";
      }
      if (i + 12 + length > n) {
        return truncated("PNG", "the file ends after " + n + " bytes inside its " + name + " chunk at byte " + i
            + ", which declares " + length + " bytes" + (type == IEND ? "" : ", and has no IEND chunk"));
      }
      crc.reset();
      crc.update(b, (int) i + 4, (int) length + 4);
      int stored = readIntBigEndian(b, (int) (i + 8 + length));
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
  static byte[] closedPng(byte[] b) {
    int n = b.length;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n + 12);
    out.write(b, 0, Math.min(8, n));
    long i = 8;
    CRC32 crc = new CRC32();
    while (i + 8 <= n) {
      long length = readIntBigEndian(b, (int) i) & 0xffffffffL;
      if (readIntBigEndian(b, (int) i + 4) == IEND) {
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
  private static void writeChunk(java.io.ByteArrayOutputStream out, CRC32 crc, byte[] source, int typeAt,
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

  private static void writeIntBigEndian(byte[] target, int value) {
    target[0] = (byte) (value >>> 24);
    target[1] = (byte) (value >>> 16);
    target[2] = (byte) (value >>> 8);
    target[3] = (byte) value;
  }

  /** Header, colour tables, extensions and image blocks up to the trailer byte 3B. */
  private static String gif(byte[] b) {
    int n = b.length;
    if (n < 13) {
      return truncated("GIF", "the file ends after " + n + " bytes, inside its header");
    }
    long i = 13 + colourTableBytes(b[10]);
    int images = 0;
    while (true) {
      if (i >= n) {
        return truncated("GIF", "the file ends after " + n + " bytes without its trailer (3B)"
            + (images == 0 ? ", before any image data" : ""));
      }
      int block = b[(int) i] & 0xff;
      if (block == 0x3b) {
        return null;
      } else if (block == 0x21) {
        i = skipSubBlocks(b, i + 2);
      } else if (block == 0x2c) {
        if (i + 10 > n) {
          return truncated("GIF", "the file ends after " + n + " bytes inside an image descriptor");
        }
        images++;
        i = skipSubBlocks(b, i + 10 + colourTableBytes(b[(int) i + 9]) + 1);
      } else {
        return null; // not GIF framing we know; the decoder decides
      }
      if (i < 0) {
        return truncated("GIF", "the file ends after " + n + " bytes inside the data of "
            + (images == 0 ? "an extension block" : "image " + images) + ", without its trailer (3B)");
      }
    }
  }

  private static long colourTableBytes(byte flags) {
    return (flags & 0x80) == 0 ? 0 : 3L << ((flags & 7) + 1);
  }

  /** Index after the terminating empty sub-block, or -1 when the data ends first. */
  private static long skipSubBlocks(byte[] b, long from) {
    long i = from;
    while (i < b.length) {
      int size = b[(int) i] & 0xff;
      i += 1 + size;
      if (size == 0) {
        return i;
      }
    }
    return -1;
  }

  /** The RIFF size covers the whole file; every chunk must fit inside it. */
  private static String webp(byte[] b) {
    long n = b.length;
    long declared = 8 + (readIntLittleEndian(b, 4) & 0xffffffffL);
    if (n < declared) {
      return truncated("WebP", "its RIFF header declares " + declared + " bytes, the file has " + n);
    }
    long i = 12;
    while (i + 8 <= declared) {
      long size = readIntLittleEndian(b, (int) i + 4) & 0xffffffffL;
      String name = chunkNameLittle(b, (int) i);
      long end = i + 8 + size;
      if (end > declared) {
        return truncated("WebP", "its " + name + " chunk at byte " + i + " declares " + size
            + " bytes, past the end of the file (" + declared + " bytes)");
      }
      i = end + (size & 1);
    }
    return null;
  }

  /** The pixel array the header describes: rows padded to 4 bytes, or the declared size when compressed. */
  private static String bmp(byte[] b) {
    long n = b.length;
    if (n < 26) {
      return truncated("BMP", "the file ends after " + n + " bytes, inside its headers");
    }
    long fileSize = readIntLittleEndian(b, 2) & 0xffffffffL;
    long pixelOffset = readIntLittleEndian(b, 10) & 0xffffffffL;
    long headerSize = readIntLittleEndian(b, 14) & 0xffffffffL;
    long width;
    long height;
    int bitsPerPixel;
    long compression = 0;
    long imageSize = 0;
    if (headerSize == 12) {
      width = readShortLittleEndian(b, 18);
      height = readShortLittleEndian(b, 20);
      bitsPerPixel = readShortLittleEndian(b, 24);
    } else if (headerSize >= 40) {
      if (n < 38) {
        return truncated("BMP", "the file ends after " + n + " bytes, inside its headers");
      }
      width = readIntLittleEndian(b, 18);
      height = Math.abs((long) readIntLittleEndian(b, 22));
      bitsPerPixel = readShortLittleEndian(b, 28);
      compression = readIntLittleEndian(b, 30) & 0xffffffffL;
      imageSize = readIntLittleEndian(b, 34) & 0xffffffffL;
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
      return truncated("BMP", "its header describes " + needed + " bytes of headers and pixels, the file has " + n);
    }
    return null;
  }

  /** The first directory and the strips or tiles it points to (classic TIFF; BigTIFF is left to the decoder). */
  private static String tiff(byte[] b) {
    boolean little = b[0] == 'I';
    long n = b.length;
    if (n < 8) {
      return truncated("TIFF", "the file ends after " + n + " bytes, inside its header");
    }
    long directory = readInt(b, 4, little) & 0xffffffffL;
    if (directory + 2 > n) {
      return truncated("TIFF", "its first directory is at byte " + directory + ", the file has " + n + " bytes");
    }
    int entries = readShort(b, (int) directory, little);
    if (directory + 2 + 12L * entries > n) {
      return truncated("TIFF", "the file ends after " + n + " bytes inside its first directory");
    }
    long[] offsets = null;
    long[] counts = null;
    String unit = "strip";
    for (int e = 0; e < entries; e++) {
      int entry = (int) directory + 2 + 12 * e;
      int tag = readShort(b, entry, little);
      if (tag != 273 && tag != 279 && tag != 324 && tag != 325) {
        continue;
      }
      long[] values = tiffValues(b, entry, little);
      if (values == null) {
        return truncated("TIFF", "the values of tag " + tag + " lie past the end of the file (" + n + " bytes)");
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
        return truncated("TIFF", unit + " " + k + " occupies bytes " + offsets[k] + " to " + (offsets[k] + counts[k])
            + ", the file has " + n);
      }
    }
    return null;
  }

  /** SHORT or LONG values of one directory entry, inline or at their offset; null when they lie past the end. */
  private static long[] tiffValues(byte[] b, int entry, boolean little) {
    int type = readShort(b, entry + 2, little);
    long count = readInt(b, entry + 4, little) & 0xffffffffL;
    int size = type == 3 ? 2 : type == 4 ? 4 : 0;
    if (size == 0 || count > (1 << 24)) {
      return new long[0];
    }
    long at = count * size <= 4 ? entry + 8 : readInt(b, entry + 8, little) & 0xffffffffL;
    if (at + count * size > b.length) {
      return null;
    }
    long[] values = new long[(int) count];
    for (int k = 0; k < count; k++) {
      int position = (int) at + k * size;
      values[k] = size == 2 ? readShort(b, position, little) : readInt(b, position, little) & 0xffffffffL;
    }
    return values;
  }

  private static String truncated(String format, String detail) {
    return "truncated " + format + ": " + detail;
  }

  private static String hexMarker(int marker) {
    return String.format(Locale.ROOT, "FF %02X", marker);
  }

  private static String chunkName(int type) {
    StringBuilder name = new StringBuilder(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      int c = (type >>> shift) & 0xff;
      name.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return name.toString();
  }

  private static String chunkNameLittle(byte[] b, int at) {
    return chunkName(readIntBigEndian(b, at)).trim();
  }

  private static int readIntBigEndian(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  private static int readIntLittleEndian(byte[] b, int at) {
    return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8) | ((b[at + 2] & 0xff) << 16) | ((b[at + 3] & 0xff) << 24);
  }

  private static int readShortLittleEndian(byte[] b, int at) {
    return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8);
  }

  private static int readInt(byte[] b, int at, boolean little) {
    return little ? readIntLittleEndian(b, at) : readIntBigEndian(b, at);
  }

  private static int readShort(byte[] b, int at, boolean little) {
    return little ? readShortLittleEndian(b, at) : ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }
}

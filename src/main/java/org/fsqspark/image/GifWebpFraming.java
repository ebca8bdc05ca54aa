package org.fsqspark.image;

/** GIF and WebP framing for {@link TruncationCheck}: GIF blocks up to the trailer, the RIFF size of WebP. */
final class GifWebpFraming {
  private GifWebpFraming() {}

  /** Header, colour tables, extensions and image blocks up to the trailer byte 3B. */
  static String gif(byte[] b) {
    int n = b.length;
    if (n < 13) {
      return TruncationCheck.truncated("GIF", "the file ends after " + n + " bytes, inside its header");
    }
    long i = 13 + colourTableBytes(b[10]);
    int images = 0;
    while (true) {
      if (i >= n) {
        return TruncationCheck.truncated("GIF", "the file ends after " + n + " bytes without its trailer (3B)"
            + (images == 0 ? ", before any image data" : ""));
      }
      int block = b[(int) i] & 0xff;
      if (block == 0x3b) {
        return null;
      } else if (block == 0x21) {
        i = skipSubBlocks(b, i + 2);
      } else if (block == 0x2c) {
        if (i + 10 > n) {
          return TruncationCheck.truncated("GIF", "the file ends after " + n + " bytes inside an image descriptor");
        }
        images++;
        i = skipSubBlocks(b, i + 10 + colourTableBytes(b[(int) i + 9]) + 1);
      } else {
        return null; // not GIF framing we know; the decoder decides
      }
      if (i < 0) {
        return TruncationCheck.truncated("GIF", "the file ends after " + n + " bytes inside the data of "
            + (images == 0 ? "an extension block" : "image " + images) + ", without its trailer (3B)");
      }
    }
  }

  static long colourTableBytes(byte flags) {
    return (flags & 0x80) == 0 ? 0 : 3L << ((flags & 7) + 1);
  }

  /** Index after the terminating empty sub-block, or -1 when the data ends first. */
  static long skipSubBlocks(byte[] b, long from) {
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
  static String webp(byte[] b) {
    long n = b.length;
    long declared = 8 + (TruncationCheck.readIntLittleEndian(b, 4) & 0xffffffffL);
    if (n < declared) {
      return TruncationCheck.truncated("WebP", "its RIFF header declares " + declared + " bytes, the file has " + n);
    }
    long i = 12;
    while (i + 8 <= declared) {
      long size = TruncationCheck.readIntLittleEndian(b, (int) i + 4) & 0xffffffffL;
      String name = TruncationCheck.chunkNameLittle(b, (int) i);
      long end = i + 8 + size;
      if (end > declared) {
        return TruncationCheck.truncated("WebP", "its " + name + " chunk at byte " + i + " declares " + size
            + " bytes, past the end of the file (" + declared + " bytes)");
      }
      i = end + (size & 1);
    }
    return null;
  }
}

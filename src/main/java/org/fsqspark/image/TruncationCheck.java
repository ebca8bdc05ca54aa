package org.fsqspark.image;

import java.util.Locale;
import java.util.Optional;

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
      reason = JpegFraming.damage(bytes);
    } else if (b0 == 0x89 && b1 == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
      reason = PngFraming.damage(bytes);
    } else if (b0 == 'G' && b1 == 'I' && bytes[2] == 'F' && bytes[3] == '8') {
      reason = GifWebpFraming.gif(bytes);
    } else if (b0 == 'R' && b1 == 'I' && bytes[2] == 'F' && bytes[3] == 'F' && bytes.length >= 12
        && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B' && bytes[11] == 'P') {
      reason = GifWebpFraming.webp(bytes);
    } else if (b0 == 'B' && b1 == 'M') {
      reason = BmpTiffFraming.bmp(bytes);
    } else if ((b0 == 'I' && b1 == 'I' && bytes[2] == 42 && bytes[3] == 0)
        || (b0 == 'M' && b1 == 'M' && bytes[2] == 0 && bytes[3] == 42)) {
      reason = BmpTiffFraming.tiff(bytes);
    } else {
      reason = null;
    }
    return Optional.ofNullable(reason);
  }

  /** A PNG cut short, closed so that a decoder reaches its pixel data ({@link PngFraming#closed}). */
  static byte[] closedPng(byte[] b) {
    return PngFraming.closed(b);
  }

  static String truncated(String format, String detail) {
    return "truncated " + format + ": " + detail;
  }

  static String hexMarker(int marker) {
    return String.format(Locale.ROOT, "FF %02X", marker);
  }

  static String chunkName(int type) {
    StringBuilder name = new StringBuilder(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      int c = (type >>> shift) & 0xff;
      name.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return name.toString();
  }

  static String chunkNameLittle(byte[] b, int at) {
    return chunkName(readIntBigEndian(b, at)).trim();
  }

  static int readIntBigEndian(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  static int readIntLittleEndian(byte[] b, int at) {
    return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8) | ((b[at + 2] & 0xff) << 16) | ((b[at + 3] & 0xff) << 24);
  }

  static int readShortLittleEndian(byte[] b, int at) {
    return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8);
  }

  static int readInt(byte[] b, int at, boolean little) {
    return little ? readIntLittleEndian(b, at) : readIntBigEndian(b, at);
  }

  static int readShort(byte[] b, int at, boolean little) {
    return little ? readShortLittleEndian(b, at) : ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }
}

package org.fsqspark.image;

import java.util.Optional;

/**
 * What a JPEG's marker segments before its first scan declare: the frame (size, sample precision, components,
 * coding process) and the segments that change how samples become colours (an ICC profile, Adobe's colour
 * transform). Read from the bytes without decoding, to decide whether the native decoder gives the same
 * colours as ImageIO.
 *
 * @param frameMarker the SOF marker's second byte: C0 baseline, C1 extended, C2 progressive, others rarer
 * @param adobeTransform the Adobe APP14 segment's transform flag, or -1 without one
 */
public record JpegHeader(int width, int height, int precision, int components, int frameMarker,
    boolean iccProfile, int adobeTransform) {

  /**
   * Whether libjpeg's default decode gives the same samples as ImageIO's JPEG reader: 8-bit Huffman-coded
   * (baseline, extended or progressive) gray or YCbCr frames with a declared size, no ICC profile (ImageIO's
   * reader may convert through it) and no Adobe transform flag (RGB and CMYK/YCCK files, which the readers
   * interpret differently).
   */
  public boolean nativeDecodable() {
    return (frameMarker == 0xc0 || frameMarker == 0xc1 || frameMarker == 0xc2) && precision == 8
        && (components == 1 || components == 3) && width > 0 && height > 0 && !iccProfile && adobeTransform < 0;
  }

  /** The header of {@code bytes}, or empty when they are not a JPEG or its segments end before a frame. */
  public static Optional<JpegHeader> parse(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
      return Optional.empty();
    }
    int i = 2;
    boolean icc = false;
    int adobe = -1;
    while (i + 4 <= b.length) {
      if ((b[i] & 0xff) != 0xff) {
        i++; // stray bytes between segments, skipped as decoders do
        continue;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xff) {
        i++; // fill byte
        continue;
      }
      if (marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01) {
        i += 2; // markers without a length
        continue;
      }
      if (marker == 0xd9 || marker == 0xda) {
        return Optional.empty(); // end of image or a scan before any frame
      }
      int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      int body = i + 4;
      if (length < 2 || i + 2 + length > b.length) {
        return Optional.empty();
      }
      if (marker == 0xe2 && startsWith(b, body, length - 2, "ICC_PROFILE\0")) {
        icc = true;
      } else if (marker == 0xee && startsWith(b, body, length - 2, "Adobe") && length - 2 >= 12) {
        adobe = b[body + 11] & 0xff;
      } else if (isFrame(marker) && length >= 8) {
        int precision = b[body] & 0xff;
        int height = ((b[body + 1] & 0xff) << 8) | (b[body + 2] & 0xff);
        int width = ((b[body + 3] & 0xff) << 8) | (b[body + 4] & 0xff);
        int components = b[body + 5] & 0xff;
        // Segments after the frame (an ICC profile may follow it) are read up to the first scan.
        JpegHeader frame = new JpegHeader(width, height, precision, components, marker, icc, adobe);
        return Optional.of(laterSegments(b, i + 2 + length, frame));
      }
      i += 2 + length;
    }
    return Optional.empty();
  }

  private static JpegHeader laterSegments(byte[] b, int from, JpegHeader frame) {
    boolean icc = frame.iccProfile();
    int adobe = frame.adobeTransform();
    int i = from;
    while (i + 4 <= b.length && (b[i] & 0xff) == 0xff) {
      int marker = b[i + 1] & 0xff;
      if (marker == 0xda || marker == 0xd9 || marker == 0xff) {
        break;
      }
      int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      if (length < 2 || i + 2 + length > b.length) {
        break;
      }
      if (marker == 0xe2 && startsWith(b, i + 4, length - 2, "ICC_PROFILE\0")) {
        icc = true;
      } else if (marker == 0xee && startsWith(b, i + 4, length - 2, "Adobe") && length - 2 >= 12) {
        adobe = b[i + 4 + 11] & 0xff;
      }
      i += 2 + length;
    }
    return new JpegHeader(frame.width(), frame.height(), frame.precision(), frame.components(), frame.frameMarker(),
        icc, adobe);
  }

  private static boolean isFrame(int marker) {
    return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
  }

  private static boolean startsWith(byte[] b, int at, int available, String prefix) {
    if (available < prefix.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (b[at + k] != (byte) prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}

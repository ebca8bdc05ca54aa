package org.fsqspark.image;

import java.util.Optional;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The common PNG, decoded without ImageIO: 8-bit gray or RGB, not interlaced, whose chunks say nothing about
 * colour (no palette, transparency, ICC profile, gamma or chromaticities). For these ImageIO's samples are the
 * file's samples, so inflating the IDAT data with the JDK's zlib and undoing the row filters gives the same
 * pixels. ImageIO's PNG reader builds its reader, metadata and raster objects per file, which costs far more
 * than the pixels of a small image (a 28x28 Fashion-MNIST PNG: about 0.08 ms warm, much more while the JIT is
 * still compiling that code; this path is a few small loops).
 *
 * <p>Anything else, and any file whose data does not inflate to exactly its rows, is left to ImageIO, which
 * decodes it or rejects it with its own message. Callers check the file's framing and CRCs first
 * ({@link TruncationCheck}).
 */
final class PlainPng {
  /** Chunks that leave the samples alone: text, time, physical pixel size. */
  private static final Set<Integer> IGNORED = Set.of(type("tEXt"), type("zTXt"), type("iTXt"), type("tIME"),
      type("pHYs"));
  private static final int IHDR = type("IHDR");
  private static final int IDAT = type("IDAT");
  private static final int IEND = type("IEND");
  private static final int SIGNATURE_BYTES = 8;

  /** Reused per thread: an Inflater holds native zlib state that is costly to set up for every small file. */
  private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

  /** What the header declares; {@code channels} is 1 (gray) or 3 (RGB). */
  record Header(int width, int height, int channels) {
    int rowBytes() {
      return 1 + width * channels;
    }
  }

  private PlainPng() {}

  /** The header of a whole PNG this class decodes as ImageIO would; empty for any other file. */
  static Optional<Header> parse(byte[] b) {
    if (!"PNG".equals(ImageDecoder.formatOf(b)) || b.length < SIGNATURE_BYTES + 25
        || TruncationCheck.readIntBigEndian(b, 8) != 13 || TruncationCheck.readIntBigEndian(b, 12) != IHDR) {
      return Optional.empty();
    }
    long width = TruncationCheck.readIntBigEndian(b, 16) & 0xffffffffL;
    long height = TruncationCheck.readIntBigEndian(b, 20) & 0xffffffffL;
    int bitDepth = b[24];
    int colourType = b[25];
    boolean standard = b[26] == 0 && b[27] == 0 && b[28] == 0; // deflate, adaptive filters, no interlacing
    if (bitDepth != 8 || (colourType != 0 && colourType != 2) || !standard || width == 0 || height == 0) {
      return Optional.empty();
    }
    // The rows must fit one array; a larger declared size goes to ImageIO, whose checks reject it.
    long rowBytes = 1 + width * (colourType == 2 ? 3 : 1);
    if (rowBytes > Integer.MAX_VALUE || height > (Integer.MAX_VALUE - 8) / rowBytes) {
      return Optional.empty();
    }
    long at = SIGNATURE_BYTES + 25;
    while (at + 8 <= b.length) {
      int type = TruncationCheck.readIntBigEndian(b, (int) at + 4);
      if (type == IEND) {
        return Optional.of(new Header((int) width, (int) height, colourType == 2 ? 3 : 1));
      }
      if (type != IDAT && !IGNORED.contains(type)) {
        return Optional.empty();
      }
      at += 12 + (TruncationCheck.readIntBigEndian(b, (int) at) & 0xffffffffL);
    }
    return Optional.empty();
  }

  /**
   * The pixels of a file {@link #parse} accepted, or empty when its data is not exactly its rows with valid
   * filters (ImageIO then decides). The rows are unfiltered in place; the raster skips each row's filter byte.
   */
  static Optional<PixelRaster> decode(byte[] b, Header header) {
    int stride = header.rowBytes();
    byte[] rows = new byte[stride * header.height()];
    Inflater inflater = INFLATERS.get();
    inflater.reset();
    byte[] overflow = new byte[1];
    try {
      int filled = 0;
      int at = SIGNATURE_BYTES + 25;
      while (true) {
        int length = TruncationCheck.readIntBigEndian(b, at);
        int type = TruncationCheck.readIntBigEndian(b, at + 4);
        if (type == IEND) {
          break;
        }
        if (type == IDAT && length > 0) {
          inflater.setInput(b, at + 8, length);
          while (!inflater.needsInput() && !inflater.finished()) {
            // Once the rows are full, one more byte may only finish the stream: any output is data too many.
            int inflated = filled < rows.length ? inflater.inflate(rows, filled, rows.length - filled)
                : inflater.inflate(overflow);
            if (filled == rows.length && inflated > 0 || inflated == 0 && inflater.needsDictionary()) {
              return Optional.empty();
            }
            filled += inflated;
          }
        }
        at += 12 + length;
      }
      if (filled != rows.length || !inflater.finished()) {
        return Optional.empty();
      }
    } catch (DataFormatException e) {
      return Optional.empty();
    }
    if (!unfilter(rows, header.height(), stride, header.channels())) {
      return Optional.empty();
    }
    int[] bands = header.channels() == 1 ? new int[] {0} : new int[] {0, 1, 2};
    return Optional.of(new PixelRaster(header.width(), header.height(), rows, 1, stride, header.channels(), bands, -1,
        false));
  }

  /**
   * Undoes the PNG row filters in place (each row's first byte names its filter; the row above is already
   * unfiltered when a row is done); false for an unknown filter.
   */
  static boolean unfilter(byte[] rows, int height, int stride, int pixelBytes) {
    for (int y = 0; y < height; y++) {
      int start = y * stride + 1;
      int end = start + stride - 1;
      switch (rows[start - 1]) {
        case 0 -> { }
        case 1 -> {
          for (int i = start + pixelBytes; i < end; i++) {
            rows[i] += rows[i - pixelBytes];
          }
        }
        case 2 -> {
          if (y > 0) {
            for (int i = start; i < end; i++) {
              rows[i] += rows[i - stride];
            }
          }
        }
        case 3 -> {
          for (int i = start; i < end; i++) {
            int left = i - pixelBytes >= start ? rows[i - pixelBytes] & 0xff : 0;
            int above = y > 0 ? rows[i - stride] & 0xff : 0;
            rows[i] += (byte) ((left + above) >>> 1);
          }
        }
        case 4 -> {
          for (int i = start; i < end; i++) {
            int left = i - pixelBytes >= start ? rows[i - pixelBytes] & 0xff : 0;
            int above = y > 0 ? rows[i - stride] & 0xff : 0;
            int aboveLeft = y > 0 && i - pixelBytes >= start ? rows[i - stride - pixelBytes] & 0xff : 0;
            rows[i] += (byte) paeth(left, above, aboveLeft);
          }
        }
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  private static int paeth(int left, int above, int aboveLeft) {
    int estimate = left + above - aboveLeft;
    int toLeft = Math.abs(estimate - left);
    int toAbove = Math.abs(estimate - above);
    int toAboveLeft = Math.abs(estimate - aboveLeft);
    if (toLeft <= toAbove && toLeft <= toAboveLeft) {
      return left;
    }
    return toAbove <= toAboveLeft ? above : aboveLeft;
  }

  private static int type(String name) {
    return name.charAt(0) << 24 | name.charAt(1) << 16 | name.charAt(2) << 8 | name.charAt(3);
  }
}

package org.fsqspark.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Hostile image bytes for tests. */
public final class ImageDecoderTestSupport {
  private ImageDecoderTestSupport() {}

  /** A PNG signature and IHDR chunk that declare a huge image, followed by nothing. */
  public static byte[] pngHeaderOnly(int width, int height) {
    return pngHeaderOnly(width, height, 8, 0);
  }

  /** The same with a bit depth and PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA). */
  public static byte[] pngHeaderOnly(int width, int height, int bitDepth, int colourType) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[17];
    System.arraycopy("IHDR".getBytes(StandardCharsets.US_ASCII), 0, ihdr, 0, 4);
    putInt(ihdr, 4, width);
    putInt(ihdr, 8, height);
    ihdr[12] = (byte) bitDepth;
    ihdr[13] = (byte) colourType;
    byte[] length = new byte[4];
    putInt(length, 0, 13);
    out.writeBytes(length);
    out.writeBytes(ihdr);
    CRC32 crc = new CRC32();
    crc.update(ihdr);
    byte[] crcBytes = new byte[4];
    putInt(crcBytes, 0, (int) crc.getValue());
    out.writeBytes(crcBytes);
    return out.toByteArray();
  }

  /** A JPEG start-of-image and a baseline frame header declaring 65535 x 65535 pixels, then end-of-image. */
  public static byte[] jpegHeaderOnly(int width, int height) {
    return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0x00, 0x11, 0x08,
        (byte) (height >>> 8), (byte) height, (byte) (width >>> 8), (byte) width, 0x03,
        0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, (byte) 0xFF, (byte) 0xD9};
  }

  /**
   * Writes a valid 16-bit RGBA PNG of any size, row by row, without holding its pixels: red and green ramp
   * with the row, blue is half, alpha opaque. Rows repeat a pixel, so even 8000 x 8000 compresses to a few MB.
   */
  public static void writeRgba16Png(java.io.OutputStream target, int width, int height, int seed)
      throws java.io.IOException {
    java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(target, 1 << 16));
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 16;
    ihdr[9] = 6;
    writeChunk(out, "IHDR", ihdr, ihdr.length);
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED);
    byte[] row = new byte[1 + 8 * width];
    byte[] compressed = new byte[1 << 16];
    for (int y = 0; y < height; y++) {
      int red = ((y + 7 * seed) * 16) & 0xffff;
      int green = (y * 16) & 0xffff;
      for (int x = 0; x < width; x++) {
        int i = 1 + 8 * x;
        row[i] = (byte) (red >>> 8);
        row[i + 1] = (byte) red;
        row[i + 2] = (byte) (green >>> 8);
        row[i + 3] = (byte) green;
        row[i + 4] = (byte) 0x80;
        row[i + 6] = (byte) 0xff;
        row[i + 7] = (byte) 0xff;
      }
      deflater.setInput(row);
      if (y == height - 1) {
        deflater.finish();
      }
      while (!deflater.needsInput() || (y == height - 1 && !deflater.finished())) {
        int n = deflater.deflate(compressed);
        if (n > 0) {
          writeChunk(out, "IDAT", compressed, n);
        }
      }
    }
    deflater.end();
    writeChunk(out, "IEND", new byte[0], 0);
    out.flush();
  }

  private static void writeChunk(java.io.DataOutputStream out, String type, byte[] data, int length)
      throws java.io.IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(length);
    out.write(name);
    out.write(data, 0, length);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data, 0, length);
    out.writeInt((int) crc.getValue());
  }

  /** Gradients and shapes: content that compresses like a photo rather than a flat colour. */
  public static java.awt.image.BufferedImage photoLike(int width, int height) {
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, java.awt.Color.ORANGE, width, height, java.awt.Color.BLUE));
    g.fillRect(0, 0, width, height);
    g.setColor(java.awt.Color.WHITE);
    g.fillOval(width / 5, height / 4, width / 2, height / 2);
    g.setColor(java.awt.Color.DARK_GRAY);
    g.drawLine(0, height - 1, width - 1, 0);
    g.dispose();
    return image;
  }

  /** {@code image} encoded by ImageIO's writer for {@code format} (png, jpg, gif, bmp, tiff). */
  public static byte[] encode(java.awt.image.BufferedImage image, String format) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!javax.imageio.ImageIO.write(image, format, out)) {
      throw new IllegalArgumentException("No ImageIO writer for " + format);
    }
    return out.toByteArray();
  }

  private static void putInt(byte[] target, int at, int value) {
    target[at] = (byte) (value >>> 24);
    target[at + 1] = (byte) (value >>> 16);
    target[at + 2] = (byte) (value >>> 8);
    target[at + 3] = (byte) value;
  }
}

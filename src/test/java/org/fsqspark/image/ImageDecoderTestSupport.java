package org.fsqspark.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Hostile image bytes for tests. */
public final class ImageDecoderTestSupport {
  private ImageDecoderTestSupport() {}

  /** A PNG signature and IHDR chunk that declare a huge image, followed by nothing. */
  public static byte[] pngHeaderOnly(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[17];
    System.arraycopy("IHDR".getBytes(StandardCharsets.US_ASCII), 0, ihdr, 0, 4);
    putInt(ihdr, 4, width);
    putInt(ihdr, 8, height);
    ihdr[12] = 8;
    ihdr[13] = 0;
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

  private static void putInt(byte[] target, int at, int value) {
    target[at] = (byte) (value >>> 24);
    target[at + 1] = (byte) (value >>> 16);
    target[at + 2] = (byte) (value >>> 8);
    target[at + 3] = (byte) value;
  }
}

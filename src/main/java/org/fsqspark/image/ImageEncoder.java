package org.fsqspark.image;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** CHW float planes in a pixel range to 8-bit PNG bytes (gray for one channel, RGB for three). */
public final class ImageEncoder {
  private ImageEncoder() {}

  /** Encodes the image at {@code offset}; values are mapped from {@code [min, max]} to 0..255 and clamped. */
  public static byte[] png(float[] planes, int offset, int channels, int height, int width, float min, float max) {
    return write(toImage(planes, offset, channels, height, width, min, max));
  }

  public static BufferedImage toImage(float[] planes, int offset, int channels, int height, int width, float min,
      float max) {
    BufferedImage image = new BufferedImage(width, height,
        channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    WritableRaster raster = image.getRaster();
    int plane = height * width;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < channels; c++) {
          raster.setSample(x, y, c, toByte(planes[offset + c * plane + y * width + x], min, max));
        }
      }
    }
    return image;
  }

  public static byte[] write(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int toByte(float value, float min, float max) {
    float unit = (value - min) / (max - min);
    return Math.max(0, Math.min(255, Math.round(unit * 255)));
  }
}

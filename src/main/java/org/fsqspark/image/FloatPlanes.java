package org.fsqspark.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/** Any ImageIO result as float planes in [0, 1], composited on black, a few rows at a time. */
final class FloatPlanes {
  private FloatPlanes() {}

  /** Converts any ImageIO result to float planes, reading gray rasters directly to avoid a gamma shift. */
  static DecodedImage of(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    ColorModel colorModel = image.getColorModel();
    int pixels = width * height;
    // The conversion goes through a few rows at a time, so its scratch stays small next to the planes.
    int rowsPerChunk = Math.max(1, DecodeEstimate.CONVERSION_CHUNK_PIXELS / width);
    if (colorModel.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      // getRGB() would convert Java's linear gray space to sRGB and brighten the image; use raw samples.
      Raster raster = image.getRaster();
      int bits = colorModel.getComponentSize(0);
      float scale = 1f / ((1L << bits) - 1);
      boolean alpha = colorModel.hasAlpha() && raster.getNumBands() > 1;
      float alphaScale = alpha ? 1f / ((1L << colorModel.getComponentSize(1)) - 1) : 1f;
      float[] planes = new float[pixels];
      int[] gray = new int[Math.min(pixels, rowsPerChunk * width)];
      int[] alphas = alpha ? new int[gray.length] : null;
      for (int y = 0; y < height; y += rowsPerChunk) {
        int rows = Math.min(rowsPerChunk, height - y);
        int count = rows * width;
        int base = y * width;
        raster.getSamples(0, y, width, rows, 0, gray);
        if (alphas != null) {
          raster.getSamples(0, y, width, rows, 1, alphas);
        }
        for (int i = 0; i < count; i++) {
          float value = gray[i] * scale;
          planes[base + i] = alphas == null ? value : value * alphas[i] * alphaScale;
        }
      }
      return new DecodedImage(width, height, 1, planes);
    }
    if (isByteSrgb(colorModel, image.getRaster())) {
      return fromByteSrgb(image.getRaster(), width, height, rowsPerChunk,
          colorModel.hasAlpha() && !colorModel.isAlphaPremultiplied());
    }
    boolean alpha = colorModel.hasAlpha();
    float[] planes = new float[pixels * 3];
    int[] argb = new int[Math.min(pixels, rowsPerChunk * width)];
    for (int y = 0; y < height; y += rowsPerChunk) {
      int rows = Math.min(rowsPerChunk, height - y);
      int count = rows * width;
      int base = y * width;
      image.getRGB(0, y, width, rows, argb, 0, width);
      for (int i = 0; i < count; i++) {
        int value = argb[i];
        float a = alpha ? ((value >>> 24) & 0xff) / 255f : 1f;
        planes[base + i] = ((value >>> 16) & 0xff) / 255f * a;
        planes[pixels + base + i] = ((value >>> 8) & 0xff) / 255f * a;
        planes[2 * pixels + base + i] = (value & 0xff) / 255f * a;
      }
    }
    return new DecodedImage(width, height, 3, planes);
  }

  /** 8-bit sRGB components, what PNG and JPEG readers return for colour photos; no colour conversion needed. */
  private static boolean isByteSrgb(ColorModel colorModel, Raster raster) {
    if (!(colorModel instanceof ComponentColorModel) || !colorModel.getColorSpace().isCS_sRGB()
        || raster.getTransferType() != DataBuffer.TYPE_BYTE || raster.getNumBands() < 3) {
      return false;
    }
    for (int size : colorModel.getComponentSize()) {
      if (size != 8) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads the bands straight from the raster: getRGB() would convert every pixel through the colour model
   * one call at a time, which costs as much as decoding the file. Same values, composited on black.
   */
  private static DecodedImage fromByteSrgb(Raster raster, int width, int height, int rowsPerChunk,
      boolean straightAlpha) {
    int pixels = width * height;
    float[] planes = new float[pixels * 3];
    int[] samples = new int[Math.min(pixels, rowsPerChunk * width)];
    int[] alphas = straightAlpha ? new int[samples.length] : null;
    for (int y = 0; y < height; y += rowsPerChunk) {
      int rows = Math.min(rowsPerChunk, height - y);
      int count = rows * width;
      int base = y * width;
      if (alphas != null) {
        raster.getSamples(0, y, width, rows, 3, alphas);
      }
      for (int band = 0; band < 3; band++) {
        raster.getSamples(0, y, width, rows, band, samples);
        int offset = band * pixels + base;
        for (int i = 0; i < count; i++) {
          float value = samples[i] / 255f;
          planes[offset + i] = alphas == null ? value : value * (alphas[i] / 255f);
        }
      }
    }
    return new DecodedImage(width, height, 3, planes);
  }
}

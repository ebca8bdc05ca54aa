package org.fsqspark.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.util.Optional;

/**
 * Decoded 8-bit pixels as the decoder left them, interleaved: sample {@code band} of pixel (x, y) is
 * {@code samples[offset + y * rowStride + x * pixelStride + bands[band]]}. Gray images have one colour band,
 * colour images three (red, green, blue offsets, in whatever order the decoder stored them); alpha, when
 * present, is straight unless {@code premultiplied}. The preprocessor reads only the rows and columns it
 * needs from here, so no float copy of the whole image is ever made.
 *
 * @param colourBands offsets of gray, or of red, green and blue, within a pixel
 * @param alphaBand offset of alpha within a pixel, or -1 when the image is opaque
 */
public record PixelRaster(int width, int height, byte[] samples, int offset, int rowStride, int pixelStride,
    int[] colourBands, int alphaBand, boolean premultiplied) implements ImagePixels {
  public PixelRaster {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("Image size must be positive, got " + width + "x" + height);
    }
    if (colourBands.length != 1 && colourBands.length != 3) {
      throw new IllegalArgumentException("8-bit rasters have 1 or 3 colour bands, got " + colourBands.length);
    }
    long last = offset + (long) (height - 1) * rowStride + (long) (width - 1) * pixelStride;
    for (int band : colourBands) {
      checkBand(band, pixelStride, last, samples.length);
    }
    if (alphaBand >= 0) {
      checkBand(alphaBand, pixelStride, last, samples.length);
    }
    colourBands = colourBands.clone();
  }

  private static void checkBand(int band, int pixelStride, long last, int length) {
    if (band >= pixelStride || last + band >= length) {
      throw new IllegalArgumentException("Band offset " + band + " lies outside a pixel of " + pixelStride
          + " samples or past the " + length + " samples of the raster");
    }
  }

  /** Tightly packed gray samples, one byte per pixel. */
  public static PixelRaster gray(int width, int height, byte[] samples) {
    return new PixelRaster(width, height, samples, 0, width, 1, new int[] {0}, -1, false);
  }

  /** Tightly packed colour samples in blue, green, red order (what OpenCV decodes to). */
  public static PixelRaster bgr(int width, int height, byte[] samples) {
    return new PixelRaster(width, height, samples, 0, width * 3, 3, new int[] {2, 1, 0}, -1, false);
  }

  /** Tightly packed colour samples in red, green, blue order (what TurboJPEG decodes to). */
  public static PixelRaster rgb(int width, int height, byte[] samples) {
    return new PixelRaster(width, height, samples, 0, width * 3, 3, new int[] {0, 1, 2}, -1, false);
  }

  /** Offset of colour band {@code band} within a pixel, without copying {@link #colourBands}. */
  int colourBand(int band) {
    return colourBands[band];
  }

  /** Colour channels the image has: 1 or 3. */
  @Override
  public int channels() {
    return colourBands.length;
  }

  @Override
  public int[] colourBands() {
    return colourBands.clone();
  }

  /**
   * The raster of an ImageIO result when its samples are 8-bit and interleaved in one byte array in the sRGB
   * or gray colour space (what the readers return for JPEG photos and for 8-bit PNGs), read in place; empty
   * for anything else (16-bit, palette, packed, CMYK, other colour spaces), which goes through
   * {@link FloatPlanes#of} instead.
   */
  static Optional<PixelRaster> of(BufferedImage image) {
    ColorModel colorModel = image.getColorModel();
    Raster raster = image.getRaster();
    if (!(colorModel instanceof ComponentColorModel) || raster.getTransferType() != DataBuffer.TYPE_BYTE
        || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel model)
        || !(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1) {
      return Optional.empty();
    }
    for (int size : colorModel.getComponentSize()) {
      if (size != 8) {
        return Optional.empty();
      }
    }
    ColorSpace space = colorModel.getColorSpace();
    int colours = colorModel.getNumColorComponents();
    boolean gray = space.getType() == ColorSpace.TYPE_GRAY && colours == 1;
    if (!gray && !(space.isCS_sRGB() && colours == 3)) {
      return Optional.empty();
    }
    int[] bandOffsets = model.getBandOffsets();
    int bands = colours + (colorModel.hasAlpha() ? 1 : 0);
    if (bandOffsets.length != bands || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0) {
      return Optional.empty();
    }
    int[] colourBands = java.util.Arrays.copyOf(bandOffsets, colours);
    int alpha = colorModel.hasAlpha() ? bandOffsets[colours] : -1;
    return Optional.of(new PixelRaster(image.getWidth(), image.getHeight(), buffer.getData(), buffer.getOffset(),
        model.getScanlineStride(), model.getPixelStride(), colourBands, alpha,
        colorModel.hasAlpha() && colorModel.isAlphaPremultiplied()));
  }

  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "PixelRaster[" + width + "x" + height + ", " + channels() + " colour band(s)"
        + (alphaBand >= 0 ? " + alpha" : "") + "]";
  }
}

package org.fsqspark.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes encoded image bytes (PNG, JPEG and whatever other ImageIO readers are on the classpath) into
 * {@link DecodedImage} planes. The size declared in the header is checked against a pixel limit before
 * the pixels are decoded, so a decompression bomb costs a header read, not gigabytes.
 */
public final class ImageDecoder {
  /** 64 megapixels: larger than any camera photo in common datasets, far below what would exhaust a heap. */
  public static final long DEFAULT_MAX_PIXELS = 64L << 20;

  private final long maxPixels;

  public ImageDecoder(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("Pixel limit must be positive, got " + maxPixels);
    }
    this.maxPixels = maxPixels;
  }

  public ImageDecoder() {
    this(DEFAULT_MAX_PIXELS);
  }

  /** Decodes the first frame of {@code bytes}; {@code source} only names the input in error messages. */
  public DecodedImage decode(byte[] bytes, String source) throws ImageRejectedException {
    if (bytes == null || bytes.length == 0) {
      throw new ImageRejectedException("read", "empty file (0 bytes)");
    }
    // ImageIO.createImageInputStream would cache the stream in a temporary file (ImageIO's default) or copy it.
    try (ImageInputStream input = new ByteArrayImageInputStream(bytes)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new ImageRejectedException("decode", "not a recognised image format (" + describeHead(bytes) + ")");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new ImageRejectedException("decode", "header declares an empty image " + width + "x" + height);
        }
        if (width * height > maxPixels) {
          throw new ImageRejectedException("decode", "image of " + width + "x" + height + " pixels exceeds the limit of "
              + maxPixels + " pixels (raise --max-pixels if it is genuine)");
        }
        BufferedImage image = reader.read(0);
        return toPlanes(image);
      } finally {
        reader.dispose();
      }
    } catch (ImageRejectedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageRejectedException("decode", "corrupt or truncated " + formatOf(bytes) + ": " + message(e), e);
    } catch (OutOfMemoryError e) {
      throw new ImageRejectedException("decode", "ran out of memory decoding this image; lower --max-pixels", e);
    }
  }

  /** Converts any ImageIO result to float planes, reading gray rasters directly to avoid a gamma shift. */
  static DecodedImage toPlanes(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    ColorModel colorModel = image.getColorModel();
    int pixels = width * height;
    if (colorModel.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      // getRGB() would convert Java's linear gray space to sRGB and brighten the image; use raw samples.
      Raster raster = image.getRaster();
      int bits = colorModel.getComponentSize(0);
      float scale = 1f / ((1L << bits) - 1);
      boolean alpha = colorModel.hasAlpha() && raster.getNumBands() > 1;
      float alphaScale = alpha ? 1f / ((1L << colorModel.getComponentSize(1)) - 1) : 1f;
      float[] planes = new float[pixels];
      int[] gray = raster.getSamples(0, 0, width, height, 0, (int[]) null);
      int[] alphas = alpha ? raster.getSamples(0, 0, width, height, 1, (int[]) null) : null;
      for (int i = 0; i < pixels; i++) {
        float value = gray[i] * scale;
        planes[i] = alphas == null ? value : value * alphas[i] * alphaScale;
      }
      return new DecodedImage(width, height, 1, planes);
    }
    if (isByteSrgb(colorModel, image.getRaster())) {
      return fromByteSrgb(image.getRaster(), width, height, colorModel.hasAlpha() && !colorModel.isAlphaPremultiplied());
    }
    int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
    boolean alpha = colorModel.hasAlpha();
    float[] planes = new float[pixels * 3];
    for (int i = 0; i < pixels; i++) {
      int value = argb[i];
      float a = alpha ? ((value >>> 24) & 0xff) / 255f : 1f;
      planes[i] = ((value >>> 16) & 0xff) / 255f * a;
      planes[pixels + i] = ((value >>> 8) & 0xff) / 255f * a;
      planes[2 * pixels + i] = (value & 0xff) / 255f * a;
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
  private static DecodedImage fromByteSrgb(Raster raster, int width, int height, boolean straightAlpha) {
    int pixels = width * height;
    float[] planes = new float[pixels * 3];
    int[] alphas = straightAlpha ? raster.getSamples(0, 0, width, height, 3, (int[]) null) : null;
    int[] samples = new int[pixels];
    for (int band = 0; band < 3; band++) {
      raster.getSamples(0, 0, width, height, band, samples);
      int base = band * pixels;
      for (int i = 0; i < pixels; i++) {
        float value = samples[i] / 255f;
        planes[base + i] = alphas == null ? value : value * (alphas[i] / 255f);
      }
    }
    return new DecodedImage(width, height, 3, planes);
  }

  private static String formatOf(byte[] bytes) {
    if (bytes.length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
      return "PNG";
    }
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8) {
      return "JPEG";
    }
    return "image";
  }

  private static String describeHead(byte[] bytes) {
    int n = Math.min(8, bytes.length);
    StringBuilder hex = new StringBuilder("first bytes");
    for (int i = 0; i < n; i++) {
      hex.append(String.format(" %02x", bytes[i] & 0xff));
    }
    return hex.append(", ").append(bytes.length).append(" bytes in all").toString();
  }

  private static String message(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}

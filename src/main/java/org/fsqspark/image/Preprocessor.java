package org.fsqspark.image;

import java.io.Serializable;
import java.util.Arrays;
import org.fsqspark.contract.ResizePolicy;

/**
 * Brings a decoded image to what an encoder expects: its channel count, its input size under a resize
 * policy, and its pixel range, written as CHW floats.
 *
 * <p>Resampling uses a triangle (bilinear) filter widened by the downscale factor, as PIL's antialiased
 * resize does, so large photos shrink without aliasing and same-size inputs pass through unchanged. 8-bit
 * images are resampled straight from the decoder's raster in one pass: only the rows and columns under the
 * crop are read, each converted to the model's channels as it is read, so no float copy of the whole image is
 * made. The arithmetic is the same, operation for operation, as for float planes, so both give the same bits,
 * with one exception: RGB rasters (without straight alpha) for an RGB model are resampled horizontally in
 * fixed point, three channels in one long ({@link PackedRgbRows}), which moves a value by at most half of
 * 1/8192 of the [0, 1] range per horizontal tap (at most 16 taps; wider filters keep the float path) and in
 * practice by less than 1e-4; same-size copies stay exact.
 *
 * <p>JPEGs may be decoded scaled in the DCT domain ({@link #maxReduction}, what PIL's {@code draft} does):
 * by the largest of 1/2, 1/4 and 1/8 that still leaves at least one source pixel per output pixel under the
 * crop; the crop and filter are then laid out on the reduced image.
 */
public final class Preprocessor implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int channels;
  private final int height;
  private final int width;
  private final ResizePolicy policy;
  private final float pixelMin;
  private final float pixelMax;

  public Preprocessor(int channels, int height, int width, ResizePolicy policy, float pixelMin, float pixelMax) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("Encoders take 1 or 3 channels, got " + channels);
    }
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("Input size must be positive, got " + height + "x" + width);
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.policy = policy;
    this.pixelMin = pixelMin;
    this.pixelMax = pixelMax;
  }

  /** Floats one image occupies in a batch. */
  public int valuesPerImage() {
    return channels * height * width;
  }

  /** Channels the model takes: 1 or 3. */
  public int channels() {
    return channels;
  }

  /**
   * Heap that {@link #write} allocates for an image of this size beyond its decoded pixels: a converted copy
   * when float planes have other channels than the model, the horizontally resampled rows and a converted row
   * (or, for RGB, a band of packed pixels and their sums). Up to 1 MiB of each is kept per thread between
   * images ({@link ResampleScratch}).
   */
  public long workingBytes(long imageWidth, long imageHeight, int imageChannels) {
    long pixels = imageWidth * imageHeight;
    long converted = imageChannels == channels ? 0 : 4L * channels * pixels;
    long packed = channels == 3 ? 8L * (2 * PackedRgbRows.BAND_PIXELS + width) : 0;
    return converted + 4L * channels * imageHeight * width + 4L * channels * imageWidth + packed;
  }

  /**
   * The largest DCT reduction (1, 2, 4 or 8) a decoder may apply to an image of this size: the largest whose
   * result still has at least one pixel per output pixel across the crop, by PIL's {@code draft} rule.
   */
  public int maxReduction(int imageWidth, int imageHeight) {
    Geometry g = geometry(imageWidth, imageHeight);
    long neededW = (long) Math.ceil(g.outW * (double) imageWidth / g.srcW);
    long neededH = (long) Math.ceil(g.outH * (double) imageHeight / g.srcH);
    long scale = Math.min(imageWidth / Math.max(1, neededW), imageHeight / Math.max(1, neededH));
    return scale >= 8 ? 8 : scale >= 4 ? 4 : scale >= 2 ? 2 : 1;
  }

  /** Decodes {@code image} (DCT-scaled where {@link #maxReduction} allows) and writes it into {@code out}. */
  public void write(PendingImage image, float[] out, int offset) throws ImageRejectedException {
    write(image.decodePixels(maxReduction(image.width(), image.height()), channels), out, offset);
  }

  /** Writes the image as CHW floats in the pixel range into {@code out} at {@code offset}. */
  public void write(ImagePixels image, float[] out, int offset) {
    Geometry g = geometry(image.width(), image.height());
    if (policy == ResizePolicy.PAD) {
      // What a zero sample becomes, as every written value: sample * span + pixelMin.
      Arrays.fill(out, offset, offset + valuesPerImage(), 0f * span() + pixelMin);
    }
    if (image instanceof PixelRaster raster) {
      resample(raster, g, out, offset);
    } else {
      DecodedImage planes = (DecodedImage) image;
      resample(convertChannels(planes), planes.width(), planes.height(), g, out, offset);
    }
  }

  private float span() {
    return pixelMax - pixelMin;
  }

  /** Copies {@code count} samples in [0, 1] into the pixel range. */
  private void copyScaled(float[] from, int at, float[] out, int to, int count) {
    float span = span();
    for (int i = 0; i < count; i++) {
      out[to + i] = from[at + i] * span + pixelMin;
    }
  }

  /** Which source rectangle becomes which output rectangle, placed at (x0, y0) of the model's input. */
  private record Geometry(double srcX, double srcY, double srcW, double srcH, int outW, int outH, int x0, int y0) {
    boolean copies(int w, int h) {
      return srcX == 0 && srcY == 0 && srcW == w && srcH == h && outW == w && outH == h;
    }
  }

  private Geometry geometry(int w, int h) {
    return switch (policy) {
      case STRETCH -> new Geometry(0, 0, w, h, width, height, 0, 0);
      case CENTER_CROP -> {
        double targetAspect = (double) width / height;
        double cropW = w;
        double cropH = h;
        if ((double) w / h > targetAspect) {
          cropW = h * targetAspect;
        } else {
          cropH = w / targetAspect;
        }
        yield new Geometry((w - cropW) / 2, (h - cropH) / 2, cropW, cropH, width, height, 0, 0);
      }
      case PAD -> {
        double scale = Math.min((double) width / w, (double) height / h);
        int contentW = Math.max(1, Math.min(width, (int) Math.round(w * scale)));
        int contentH = Math.max(1, Math.min(height, (int) Math.round(h * scale)));
        yield new Geometry(0, 0, w, h, contentW, contentH, (width - contentW) / 2, (height - contentH) / 2);
      }
    };
  }

  private float[] convertChannels(DecodedImage image) {
    int pixels = image.width() * image.height();
    float[] source = image.planes();
    if (image.channels() == channels) {
      return source;
    }
    if (channels == 1) {
      // ITU-R BT.601 luma, the weights PIL's convert("L") uses.
      float[] gray = new float[pixels];
      for (int i = 0; i < pixels; i++) {
        gray[i] = luma(source[i], source[pixels + i], source[2 * pixels + i]);
      }
      return gray;
    }
    float[] rgb = new float[pixels * 3];
    System.arraycopy(source, 0, rgb, 0, pixels);
    System.arraycopy(source, 0, rgb, pixels, pixels);
    System.arraycopy(source, 0, rgb, 2 * pixels, pixels);
    return rgb;
  }

  static float luma(float red, float green, float blue) {
    return 0.299f * red + 0.587f * green + 0.114f * blue;
  }

  /** Resamples float planes: every row horizontally, then the columns. */
  private void resample(float[] planes, int w, int h, Geometry g, float[] out, int offset) {
    int planeOut = height * width;
    if (g.copies(w, h)) {
      // Same size: the filter's weights are exactly 1 on the pixel itself, so copy the rows.
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < h; y++) {
          copyScaled(planes, c * w * h + y * w, out, offset + c * planeOut + (g.y0 + y) * width + g.x0, w);
        }
      }
      return;
    }
    FilterTaps horizontal = FilterTaps.of(w, g.srcX, g.srcW, g.outW);
    FilterTaps vertical = FilterTaps.of(h, g.srcY, g.srcH, g.outH);
    float[] rows = new float[h * g.outW];
    for (int c = 0; c < channels; c++) {
      int base = c * w * h;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < g.outW; x++) {
          rows[y * g.outW + x] = horizontal.apply(planes, base + y * w, x);
        }
      }
      vertical.applyToRows(rows, 0, g.outW, out, offset + c * planeOut + g.y0 * width + g.x0, width, span(),
          pixelMin);
    }
  }

  /**
   * Resamples 8-bit samples: each source row under the crop is converted to the model's channels ({@link RasterRows}, the
   * same float operations as {@link FloatPlanes#of} and {@link #convertChannels}) and resampled
   * horizontally, or for RGB into an RGB model packed and resampled in fixed point; the columns of those rows
   * are resampled last, the pixel range applied as each value is written.
   */
  private void resample(PixelRaster raster, Geometry g, float[] out, int offset) {
    int w = raster.width();
    int h = raster.height();
    int planeOut = height * width;
    if (g.copies(w, h)) {
      float[] line = new float[channels * w];
      for (int y = 0; y < h; y++) {
        RasterRows.convert(raster, y, 0, w, channels, line);
        for (int c = 0; c < channels; c++) {
          copyScaled(line, c * w, out, offset + c * planeOut + (g.y0 + y) * width + g.x0, w);
        }
      }
      return;
    }
    FilterTaps horizontal = FilterTaps.of(w, g.srcX, g.srcW, g.outW);
    FilterTaps vertical = FilterTaps.of(h, g.srcY, g.srcH, g.outH);
    int colFrom = horizontal.from();
    int cols = horizontal.to() - colFrom;
    int rowFrom = vertical.from();
    int rowCount = vertical.to() - rowFrom;
    float[] rows = ResampleScratch.ofThisThread().floats(channels * rowCount * g.outW);
    int channelRows = rowCount * g.outW;
    // What a resampled value of 1 is worth in [0, 1].
    float unit = 1f;
    if (channels == 3 && raster.channels() == 3 && !RasterRows.straightAlpha(raster) && PackedRgbRows.fits(horizontal)) {
      // The common case, RGB photos for an RGB model: all three channels in one fixed-point pass.
      new PackedRgbRows(horizontal).resample(raster, rowFrom, rowCount, colFrom, rows, channelRows);
      unit = PackedRgbRows.UNIT;
    } else {
      float[] line = new float[channels * cols];
      for (int y = rowFrom; y < rowFrom + rowCount; y++) {
        RasterRows.convert(raster, y, colFrom, cols, channels, line);
        int target = (y - rowFrom) * g.outW;
        if (channels == 3) {
          horizontal.applyToThree(line, cols, -colFrom, rows, target, channelRows);
        } else {
          for (int x = 0; x < g.outW; x++) {
            rows[target + x] = horizontal.apply(line, -colFrom, x);
          }
        }
      }
    }
    for (int c = 0; c < channels; c++) {
      vertical.applyToRows(rows, c * rowCount * g.outW - rowFrom * g.outW, g.outW, out,
          offset + c * planeOut + g.y0 * width + g.x0, width, span() * unit, pixelMin);
    }
  }
}

package org.fsqspark.image;

import java.io.Serializable;
import org.fsqspark.contract.ResizePolicy;

/**
 * Brings a decoded image to what an encoder expects: its channel count, its input size under a resize
 * policy, and its pixel range, written as CHW floats.
 *
 * <p>Resampling uses a triangle (bilinear) filter widened by the downscale factor, as PIL's antialiased
 * resize does, so large photos shrink without aliasing and same-size inputs pass through unchanged.
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

  /**
   * Heap that {@link #write} allocates for an image of this size beyond its input planes: a converted copy
   * when the channel counts differ, and one horizontally resampled buffer.
   */
  public long workingBytes(long imageWidth, long imageHeight, int imageChannels) {
    long pixels = imageWidth * imageHeight;
    long converted = imageChannels == channels ? 0 : 4L * channels * pixels;
    return converted + 4L * imageHeight * width;
  }

  /** Writes the image as CHW floats in the pixel range into {@code out} at {@code offset}. */
  public void write(DecodedImage image, float[] out, int offset) {
    float[] planes = convertChannels(image);
    int w = image.width();
    int h = image.height();
    int planeOut = height * width;
    switch (policy) {
      case STRETCH -> resample(planes, w, h, 0, 0, w, h, width, height, out, offset, width, 0, 0);
      case CENTER_CROP -> {
        double targetAspect = (double) width / height;
        double cropW = w;
        double cropH = h;
        if ((double) w / h > targetAspect) {
          cropW = h * targetAspect;
        } else {
          cropH = w / targetAspect;
        }
        resample(planes, w, h, (w - cropW) / 2, (h - cropH) / 2, cropW, cropH, width, height, out, offset, width,
            0, 0);
      }
      case PAD -> {
        double scale = Math.min((double) width / w, (double) height / h);
        int contentW = Math.max(1, Math.min(width, (int) Math.round(w * scale)));
        int contentH = Math.max(1, Math.min(height, (int) Math.round(h * scale)));
        java.util.Arrays.fill(out, offset, offset + channels * planeOut, 0f);
        resample(planes, w, h, 0, 0, w, h, contentW, contentH, out, offset, width,
            (width - contentW) / 2, (height - contentH) / 2);
      }
      default -> throw new IllegalStateException("Unhandled resize policy " + policy);
    }
    float span = pixelMax - pixelMin;
    for (int i = offset; i < offset + channels * planeOut; i++) {
      out[i] = out[i] * span + pixelMin;
    }
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
        gray[i] = 0.299f * source[i] + 0.587f * source[pixels + i] + 0.114f * source[2 * pixels + i];
      }
      return gray;
    }
    float[] rgb = new float[pixels * 3];
    System.arraycopy(source, 0, rgb, 0, pixels);
    System.arraycopy(source, 0, rgb, pixels, pixels);
    System.arraycopy(source, 0, rgb, 2 * pixels, pixels);
    return rgb;
  }

  /** Resamples the source rectangle of every channel to outW x outH, placed at (x0, y0) of a stride-wide plane. */
  private void resample(float[] planes, int w, int h, double srcX, double srcY, double srcW, double srcH,
      int outW, int outH, float[] out, int offset, int stride, int x0, int y0) {
    int planeOut = height * width;
    if (srcX == 0 && srcY == 0 && srcW == w && srcH == h && outW == w && outH == h) {
      // Same size: the filter's weights are exactly 1 on the pixel itself, so copy the rows.
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < h; y++) {
          System.arraycopy(planes, c * w * h + y * w, out, offset + c * planeOut + (y0 + y) * stride + x0, w);
        }
      }
      return;
    }
    Taps horizontal = Taps.of(w, srcX, srcW, outW);
    Taps vertical = Taps.of(h, srcY, srcH, outH);
    float[] rows = new float[h * outW];
    for (int c = 0; c < channels; c++) {
      int base = c * w * h;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < outW; x++) {
          rows[y * outW + x] = horizontal.apply(planes, base + y * w, 1, x);
        }
      }
      for (int y = 0; y < outH; y++) {
        for (int x = 0; x < outW; x++) {
          out[offset + c * planeOut + (y0 + y) * stride + x0 + x] = vertical.apply(rows, x, outW, y);
        }
      }
    }
  }

  /** Precomputed filter taps of one axis. */
  private record Taps(int[] first, int[] count, float[][] weights) {
    static Taps of(int inSize, double start, double length, int outSize) {
      double scale = length / outSize;
      double filterScale = Math.max(scale, 1.0);
      int[] first = new int[outSize];
      int[] count = new int[outSize];
      float[][] weights = new float[outSize][];
      for (int i = 0; i < outSize; i++) {
        double centre = start + (i + 0.5) * scale;
        int lo = Math.max(0, (int) Math.floor(centre - filterScale));
        int hi = Math.min(inSize, (int) Math.ceil(centre + filterScale));
        double[] raw = new double[Math.max(0, hi - lo)];
        double sum = 0;
        for (int x = lo; x < hi; x++) {
          double t = Math.abs((x + 0.5 - centre) / filterScale);
          raw[x - lo] = Math.max(0, 1 - t);
          sum += raw[x - lo];
        }
        if (sum == 0) {
          // Only at a border with a sub-pixel source: take the nearest pixel.
          int nearest = Math.min(inSize - 1, Math.max(0, (int) Math.floor(centre)));
          first[i] = nearest;
          count[i] = 1;
          weights[i] = new float[] {1f};
          continue;
        }
        first[i] = lo;
        count[i] = raw.length;
        weights[i] = new float[raw.length];
        for (int k = 0; k < raw.length; k++) {
          weights[i][k] = (float) (raw[k] / sum);
        }
      }
      return new Taps(first, count, weights);
    }

    float apply(float[] data, int base, int step, int i) {
      float[] w = weights[i];
      int at = base + first[i] * step;
      float sum = 0;
      for (int k = 0; k < count[i]; k++, at += step) {
        sum += w[k] * data[at];
      }
      return sum;
    }
  }
}

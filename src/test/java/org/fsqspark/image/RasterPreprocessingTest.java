package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.fsqspark.contract.ResizePolicy;
import org.junit.jupiter.api.Test;

/**
 * Preprocessing straight from 8-bit rasters: the same bits as going through float planes of the whole image
 * (the old path) except where RGB rows are resampled in fixed point, which stays within its stated bound; and
 * the filter's definition computed directly in double precision, on random images, sizes, crops and policies.
 */
class RasterPreprocessingTest {
  private static final int[] TYPES = {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR,
      BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_RGB};
  /**
   * What fixed-point taps may move a value in [0, 1]: half a unit of 1/8192 per tap, at most 16 taps. Exact
   * integer sums leave only the rounded weights; the float steps after them add rounding of about 1e-7.
   */
  private static final double FIXED_POINT_BOUND = PackedRgbRows.MAX_TAPS / 2.0 / PackedRgbRows.ONE + 1e-6;

  @Test
  void rastersGiveTheSameBitsAsFloatPlanesExceptFixedPointRgb() {
    SplittableRandom random = new SplittableRandom(11);
    int fixedPointTrials = 0;
    double worst = 0;
    for (int trial = 0; trial < 150; trial++) {
      BufferedImage image = randomImage(random, TYPES[trial % TYPES.length], 1 + random.nextInt(300),
          1 + random.nextInt(300));
      Preprocessor preprocessor = randomPreprocessor(random);
      float[] viaPlanes = new float[preprocessor.valuesPerImage()];
      preprocessor.write(FloatPlanes.of(image), viaPlanes, 0);
      float[] viaRaster = new float[preprocessor.valuesPerImage()];
      ImagePixels pixels = PixelRaster.of(image).map(r -> (ImagePixels) r).orElseGet(() -> FloatPlanes.of(image));
      if (image.getType() != BufferedImage.TYPE_INT_RGB) {
        assertThat(pixels).as("an 8-bit interleaved image is read in place").isInstanceOf(PixelRaster.class);
      }
      preprocessor.write(pixels, viaRaster, 0);
      String what = String.format("trial %d: %dx%d type %d", trial, image.getWidth(), image.getHeight(),
          image.getType());
      // RGB without alpha into an RGB model: the fixed-point horizontal pass (or, at the same size, a copy).
      boolean fixedPoint = pixels instanceof PixelRaster raster && raster.channels() == 3
          && raster.alphaBand() < 0 && preprocessor.channels() == 3;
      if (!fixedPoint) {
        assertThat(viaRaster).as(what).isEqualTo(viaPlanes);
        continue;
      }
      fixedPointTrials++;
      // The pixel range of these preprocessors is [0, 1] or [-1, 1]: a span of up to 2.
      for (int i = 0; i < viaRaster.length; i++) {
        double difference = Math.abs(viaRaster[i] - viaPlanes[i]);
        worst = Math.max(worst, difference / 2);
        assertThat(difference).as("%s at %d", what, i).isLessThanOrEqualTo(2 * FIXED_POINT_BOUND);
      }
    }
    assertThat(fixedPointTrials).as("trials that took the fixed-point path").isGreaterThan(10);
    assertThat(worst).as("largest difference seen, on the [0, 1] scale").isGreaterThan(0).isLessThan(1e-4);
  }

  @Test
  void resamplingMatchesTheFiltersDefinition() {
    SplittableRandom random = new SplittableRandom(12);
    for (int trial = 0; trial < 100; trial++) {
      int w = 1 + random.nextInt(200);
      int h = 1 + random.nextInt(200);
      // Gray through the float taps; RGB mostly through the fixed-point ones (up to 16 taps: downscaling by 8).
      boolean rgb = trial % 2 == 1;
      BufferedImage image = randomImage(random, rgb ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY,
          w, h);
      int outH = 1 + random.nextInt(64);
      int outW = 1 + random.nextInt(64);
      ResizePolicy policy = ResizePolicy.values()[random.nextInt(3)];
      int channels = rgb ? 3 : 1;
      Preprocessor preprocessor = new Preprocessor(channels, outH, outW, policy, 0, 1);
      float[] out = new float[channels * outH * outW];
      preprocessor.write(PixelRaster.of(image).orElseThrow(), out, 0);
      double tolerance = rgb ? FIXED_POINT_BOUND + 2e-5 : 2e-5;
      for (int c = 0; c < channels; c++) {
        double[] expected = reference(image, c, outW, outH, policy);
        for (int i = 0; i < expected.length; i++) {
          assertThat((double) out[c * outH * outW + i])
              .as("trial %d (%dx%d -> %dx%d %s) channel %d at %d", trial, w, h, outW, outH, policy, c, i)
              .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tolerance));
        }
      }
    }
  }

  @Test
  void fixedPointWeightsAreExactOnFlatColourAndCloseToTheFloatOnes() {
    // A flat colour stays exactly its value (the weights sum to 8192): 300x200 -> 37x23 downscales by about 8.
    BufferedImage flat = new BufferedImage(300, 200, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < 300; x++) {
        flat.setRGB(x, y, 0xff_c8_01_7f);
      }
    }
    float[] out = new float[3 * 23 * 37];
    new Preprocessor(3, 23, 37, ResizePolicy.STRETCH, 0, 1).write(PixelRaster.of(flat).orElseThrow(), out, 0);
    for (int i = 0; i < out.length; i++) {
      float expected = (i < 23 * 37 ? 0xc8 : i < 2 * 23 * 37 ? 0x01 : 0x7f) / 255f;
      assertThat(out[i]).as("at %d", i).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void onlyTheCropIsReadAndAlphaIsCompositedOnBlack() {
    // A 300x100 gray image, white at the sides: the square centre crop [100, 200) shrunk 10x reads 10 more
    // pixels on each side (the filter's support), and no further.
    BufferedImage image = new BufferedImage(300, 100, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 100; y++) {
      for (int x = 0; x < 300; x++) {
        image.getRaster().setSample(x, y, 0, x < 90 || x >= 210 ? 255 : 64);
      }
    }
    float[] out = new float[10 * 10];
    new Preprocessor(1, 10, 10, ResizePolicy.CENTER_CROP, 0, 1).write(PixelRaster.of(image).orElseThrow(), out, 0);
    for (float value : out) {
      assertThat(value).isCloseTo(64 / 255f, org.assertj.core.data.Offset.offset(1e-6f));
    }
    BufferedImage half = new BufferedImage(2, 2, BufferedImage.TYPE_4BYTE_ABGR);
    for (int i = 0; i < 4; i++) {
      half.setRGB(i % 2, i / 2, 0x80ffffff); // white at alpha 128/255
    }
    float[] rgb = new float[3 * 2 * 2];
    new Preprocessor(3, 2, 2, ResizePolicy.STRETCH, 0, 1).write(PixelRaster.of(half).orElseThrow(), rgb, 0);
    assertThat(rgb).containsOnly(128 / 255f);
  }

  private static Preprocessor randomPreprocessor(SplittableRandom random) {
    int channels = random.nextBoolean() ? 1 : 3;
    int height = 1 + random.nextInt(64);
    int width = 1 + random.nextInt(64);
    ResizePolicy policy = ResizePolicy.values()[random.nextInt(3)];
    return new Preprocessor(channels, height, width, policy, random.nextBoolean() ? 0 : -1, 1);
  }

  static BufferedImage randomImage(SplittableRandom random, int type, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, type);
    // Smooth gradients with noise, so resampling sees structure at every scale.
    double fx = random.nextDouble(0.01, 0.3);
    double fy = random.nextDouble(0.01, 0.3);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int base = (int) (127 + 100 * Math.sin(x * fx) * Math.cos(y * fy));
        int r = clamp(base + random.nextInt(-20, 21));
        int g = clamp(255 - base + random.nextInt(-20, 21));
        int b = clamp((x * 255) / Math.max(1, width - 1));
        int a = random.nextInt(256);
        image.setRGB(x, y, (a << 24) | (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  private static int clamp(int value) {
    return Math.max(0, Math.min(255, value));
  }

  /**
   * The triangle filter widened by the scale factor, normalised per output, evaluated as one 2-D weighted sum
   * per output in double precision, of one band: what the separable implementation must compute.
   */
  private static double[] reference(BufferedImage image, int band, int width, int height, ResizePolicy policy) {
    int w = image.getWidth();
    int h = image.getHeight();
    double srcX = 0;
    double srcY = 0;
    double srcW = w;
    double srcH = h;
    int outW = width;
    int outH = height;
    int x0 = 0;
    int y0 = 0;
    if (policy == ResizePolicy.CENTER_CROP) {
      double aspect = (double) width / height;
      if ((double) w / h > aspect) {
        srcW = h * aspect;
      } else {
        srcH = w / aspect;
      }
      srcX = (w - srcW) / 2;
      srcY = (h - srcH) / 2;
    } else if (policy == ResizePolicy.PAD) {
      double scale = Math.min((double) width / w, (double) height / h);
      outW = Math.max(1, Math.min(width, (int) Math.round(w * scale)));
      outH = Math.max(1, Math.min(height, (int) Math.round(h * scale)));
      x0 = (width - outW) / 2;
      y0 = (height - outH) / 2;
    }
    double[] out = new double[width * height];
    double[][] wx = weights(w, srcX, srcW, outW);
    double[][] wy = weights(h, srcY, srcH, outH);
    for (int oy = 0; oy < outH; oy++) {
      for (int ox = 0; ox < outW; ox++) {
        double sum = 0;
        for (int y = 0; y < h; y++) {
          if (wy[oy][y] == 0) {
            continue;
          }
          for (int x = 0; x < w; x++) {
            double weight = wy[oy][y] * wx[ox][x];
            if (weight != 0) {
              sum += weight * image.getRaster().getSample(x, y, band) / 255.0;
            }
          }
        }
        out[(y0 + oy) * width + x0 + ox] = sum;
      }
    }
    return out;
  }

  /** Normalised triangle weights of every input for each output; the nearest input where none overlaps. */
  private static double[][] weights(int in, double start, double length, int out) {
    double scale = length / out;
    double support = Math.max(scale, 1);
    double[][] weights = new double[out][in];
    for (int i = 0; i < out; i++) {
      double centre = start + (i + 0.5) * scale;
      double sum = 0;
      for (int x = 0; x < in; x++) {
        weights[i][x] = Math.max(0, 1 - Math.abs((x + 0.5 - centre) / support));
        sum += weights[i][x];
      }
      if (sum == 0) {
        weights[i][Math.min(in - 1, Math.max(0, (int) Math.floor(centre)))] = 1;
        continue;
      }
      for (int x = 0; x < in; x++) {
        weights[i][x] /= sum;
      }
    }
    return weights;
  }
}

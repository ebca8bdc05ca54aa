package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The system's libturbojpeg (SIMD) and OpenCV's copy of libjpeg-turbo (no SIMD) are the same decoder: the same
 * samples for every reduction, gray and colour, so tokens do not depend on which one a machine has.
 * scripts/test installs libturbojpeg0; without it the JVM uses OpenCV's copy and this test fails on purpose.
 */
class TurboJpegTest {
  private static final Path PHOTOS = Path.of("/usr/share/doc/opencv-doc/examples/data");

  @Test
  void bothBuildsGiveTheSameSamplesAtEveryReduction() throws Exception {
    StringBuilder failures = new StringBuilder();
    NativeJpeg turbo = NativeJpeg.loadTurboJpeg(failures).orElseThrow(
        () -> new AssertionError("libturbojpeg.so.0 did not load (apt-get install libturbojpeg0): " + failures));
    NativeJpeg openCv = NativeJpeg.load(NativeJpeg.LIBRARY).orElseThrow();
    assertThat(turbo.library()).contains("turbojpeg");
    SplittableRandom random = new SplittableRandom(11);
    List<byte[]> jpegs = new java.util.ArrayList<>();
    for (int trial = 0; trial < 6; trial++) {
      BufferedImage image = RasterPreprocessingTest.randomImage(random, BufferedImage.TYPE_3BYTE_BGR,
          17 + random.nextInt(300), 9 + random.nextInt(300));
      jpegs.add(ImageDecoderTestSupport.encode(image, "jpg"));
    }
    jpegs.add(ImageDecoderTestSupport.encode(ImageDecoderTestSupport.photoLike(640, 480), "jpg"));
    if (Files.isDirectory(PHOTOS)) {
      try (Stream<Path> files = Files.list(PHOTOS)) {
        for (Path file : files.filter(f -> f.toString().toLowerCase(Locale.ROOT).endsWith(".jpg")).sorted()
            .limit(12).toList()) {
          jpegs.add(Files.readAllBytes(file));
        }
      }
    }
    int compared = 0;
    for (byte[] jpeg : jpegs) {
      for (int reduction : new int[] {1, 2, 4, 8}) {
        for (boolean gray : new boolean[] {false, true}) {
          Optional<PixelRaster> expected = openCv.decode(jpeg, reduction, gray);
          Optional<PixelRaster> actual = turbo.decode(jpeg, reduction, gray);
          assertThat(actual.isPresent()).isEqualTo(expected.isPresent());
          if (expected.isEmpty()) {
            continue;
          }
          assertThat(actual.get().width()).isEqualTo(expected.get().width());
          assertThat(actual.get().height()).isEqualTo(expected.get().height());
          assertThat(planes(actual.get())).as("reduction %d, gray %s", reduction, gray)
              .isEqualTo(planes(expected.get()));
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThanOrEqualTo(7 * 8);
  }

  /** Samples in the model's channel order, whatever the raster's band order (BGR from OpenCV, RGB from TurboJPEG). */
  private static int[] planes(PixelRaster raster) {
    int[] bands = raster.colourBands();
    byte[] samples = raster.samples();
    int[] out = new int[raster.width() * raster.height() * bands.length];
    int i = 0;
    for (int y = 0; y < raster.height(); y++) {
      for (int x = 0; x < raster.width(); x++) {
        for (int band : bands) {
          out[i++] = samples[raster.offset() + y * raster.rowStride() + x * raster.pixelStride() + band] & 0xff;
        }
      }
    }
    return out;
  }
}

package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fsqspark.contract.ResizePolicy;
import org.junit.jupiter.api.Test;

/** The colour models and containers of real datasets, from fixtures made by make_images.py with PIL. */
class ImageFormatsTest {
  private static final Path IMAGES = Path.of("src/test/resources/images");
  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void cmykJpegBecomesRgb() throws Exception {
    DecodedImage image = decode("cmyk-red.jpg");
    assertThat(image.channels()).isEqualTo(3);
    assertThat(mean(image, 0)).isCloseTo(1.0, offset(0.06));
    assertThat(mean(image, 1)).isCloseTo(0.0, offset(0.06));
    assertThat(mean(image, 2)).isCloseTo(0.0, offset(0.06));
  }

  @Test
  void progressiveJpegDecodes() throws Exception {
    DecodedImage image = decode("progressive-blue.jpg");
    assertThat(image.width()).isEqualTo(48);
    assertThat(mean(image, 1)).isCloseTo(128 / 255.0, offset(0.03));
    assertThat(mean(image, 2)).isCloseTo(1.0, offset(0.03));
  }

  @Test
  void sixteenBitGrayKeepsItsRange() throws Exception {
    DecodedImage image = decode("gray16-ramp.png");
    assertThat(image.channels()).isEqualTo(1);
    float[] p = image.planes();
    assertThat(p[0]).isZero();
    assertThat(p[127]).isCloseTo(127 * 514 / 65535f, offset(1e-5f));
  }

  @Test
  void paletteAlphaAndGrayAlphaImages() throws Exception {
    DecodedImage palette = decode("palette-red-green.png");
    assertThat(palette.channels()).isEqualTo(3);
    assertThat(palette.planes()[0]).isEqualTo(1f);
    assertThat(palette.planes()[100 + 99]).as("green plane, last pixel").isEqualTo(1f);
    DecodedImage grayAlpha = decode("gray-alpha.png");
    assertThat(grayAlpha.channels()).isEqualTo(1);
    assertThat(grayAlpha.planes()[0]).isCloseTo(200 / 255f * 128 / 255f, offset(1e-4f));
    DecodedImage transparent = decode("transparent-white.png");
    assertThat(mean(transparent, 0)).as("transparent pixels composite onto black").isZero();
  }

  @Test
  void webpTiffAndAnimatedGifDecode() throws Exception {
    DecodedImage webp = decode("red.webp");
    assertThat(mean(webp, 0)).isCloseTo(1.0, offset(0.01));
    assertThat(mean(decode("green.tiff"), 1)).isCloseTo(1.0, offset(0.01));
    DecodedImage gif = decode("animated-white-then-black.gif");
    assertThat(mean(gif, 0)).as("first frame").isCloseTo(1.0, offset(0.01));
  }

  @Test
  void tinyAndExtremeAspectImagesPreprocess() throws Exception {
    Preprocessor preprocessor = new Preprocessor(1, 28, 28, ResizePolicy.CENTER_CROP, 0, 1);
    float[] out = new float[28 * 28];
    preprocessor.write(decode("one-pixel-white.png"), out, 0);
    assertThat(out).containsOnly(1f);
    preprocessor.write(decode("line-2000x1.png"), out, 0);
    assertThat(out).containsOnly(1f);
    Preprocessor padded = new Preprocessor(1, 28, 28, ResizePolicy.PAD, 0, 1);
    padded.write(decode("line-2000x1.png"), out, 0);
    assertThat(out[13 * 28 + 14]).as("a one-pixel line in the middle row").isCloseTo(1f, offset(1e-5f));
    assertThat(out[0]).isZero();
  }

  private DecodedImage decode(String name) throws Exception {
    Path file = IMAGES.resolve(name);
    return decoder.decode(Files.readAllBytes(file), file.toString());
  }

  private static double mean(DecodedImage image, int channel) {
    int pixels = image.width() * image.height();
    double sum = 0;
    for (int i = 0; i < pixels; i++) {
      sum += image.planes()[channel * pixels + i];
    }
    return sum / pixels;
  }
}

package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.fsqspark.contract.ResizePolicy;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
  @Test
  void sameSizeGrayPassesThroughExactly() {
    float[] planes = new float[28 * 28];
    for (int i = 0; i < planes.length; i++) {
      planes[i] = (i % 256) / 255f;
    }
    float[] out = new float[28 * 28];
    new Preprocessor(1, 28, 28, ResizePolicy.CENTER_CROP, 0, 1).write(new DecodedImage(28, 28, 1, planes), out, 0);
    assertThat(out).containsExactly(planes);
  }

  @Test
  void pixelRangeIsApplied() {
    float[] out = new float[4];
    new Preprocessor(1, 2, 2, ResizePolicy.STRETCH, -1, 1)
        .write(new DecodedImage(2, 2, 1, new float[] {0, 0.5f, 1, 0.25f}), out, 0);
    assertThat(out).containsExactly(-1f, 0f, 1f, -0.5f);
  }

  @Test
  void colourBecomesLumaAndGrayIsReplicatedToRgb() {
    DecodedImage red = new DecodedImage(1, 1, 3, new float[] {1, 0, 0});
    float[] gray = new float[1];
    new Preprocessor(1, 1, 1, ResizePolicy.STRETCH, 0, 1).write(red, gray, 0);
    assertThat(gray[0]).isCloseTo(0.299f, offset(1e-6f));
    float[] rgb = new float[3];
    new Preprocessor(3, 1, 1, ResizePolicy.STRETCH, 0, 1).write(new DecodedImage(1, 1, 1, new float[] {0.4f}), rgb, 0);
    assertThat(rgb).containsExactly(0.4f, 0.4f, 0.4f);
  }

  @Test
  void downscalingAveragesAndPreservesMeanBrightness() {
    int w = 280;
    int h = 140;
    float[] planes = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        planes[y * w + x] = (x + y) % 2; // a checkerboard that aliasing would turn into stripes
      }
    }
    float[] out = new float[28 * 28];
    new Preprocessor(1, 28, 28, ResizePolicy.CENTER_CROP, 0, 1).write(new DecodedImage(w, h, 1, planes), out, 0);
    for (float value : out) {
      assertThat(value).isCloseTo(0.5f, offset(0.02f));
    }
  }

  @Test
  void centerCropTakesTheMiddleAndPadKeepsEverything() {
    // Left third black, middle third white, right third black.
    int w = 30;
    int h = 10;
    float[] planes = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 10; x < 20; x++) {
        planes[y * w + x] = 1;
      }
    }
    DecodedImage image = new DecodedImage(w, h, 1, planes);
    float[] cropped = new float[100];
    new Preprocessor(1, 10, 10, ResizePolicy.CENTER_CROP, 0, 1).write(image, cropped, 0);
    for (float value : cropped) {
      assertThat(value).isEqualTo(1f);
    }
    float[] padded = new float[30 * 30];
    new Preprocessor(1, 30, 30, ResizePolicy.PAD, 0, 1).write(image, padded, 0);
    assertThat(padded[0]).as("padding is black").isZero();
    assertThat(padded[15 * 30 + 15]).as("content in the middle").isEqualTo(1f);
    assertThat(padded[15 * 30 + 2]).as("left third of content").isZero();
  }

  @Test
  void writesAtTheGivenOffsetOnly() {
    float[] out = new float[8];
    java.util.Arrays.fill(out, 9f);
    new Preprocessor(1, 2, 2, ResizePolicy.STRETCH, 0, 1).write(new DecodedImage(2, 2, 1, new float[4]), out, 4);
    assertThat(out).containsExactly(9f, 9f, 9f, 9f, 0f, 0f, 0f, 0f);
  }
}

package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.fsqspark.contract.RejectStage;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void grayPngKeepsItsExactSampleValues() throws Exception {
    BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    int[] values = {0, 1, 64, 128, 254, 255};
    gray.getRaster().setSamples(0, 0, 3, 2, 0, values);
    DecodedImage decoded = decoder.decode(encode(gray, "png"), "gray.png");
    assertThat(decoded.channels()).isEqualTo(1);
    assertThat(decoded.width()).isEqualTo(3);
    assertThat(decoded.height()).isEqualTo(2);
    for (int i = 0; i < values.length; i++) {
      assertThat(decoded.planes()[i] * 255).isCloseTo(values[i], org.assertj.core.data.Offset.offset(1e-4f));
    }
  }

  @Test
  void colourPngBecomesThreePlanesAndAlphaIsCompositedOnBlack() throws Exception {
    BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, 0xff_ff_80_00);
    rgba.setRGB(1, 0, 0x00_ff_ff_ff);
    DecodedImage decoded = decoder.decode(encode(rgba, "png"), "rgba.png");
    assertThat(decoded.channels()).isEqualTo(3);
    float[] p = decoded.planes();
    assertThat(p[0]).isEqualTo(1f);
    assertThat(p[2] * 255).isCloseTo(128f, org.assertj.core.data.Offset.offset(1e-3f));
    assertThat(p[4]).isZero();
    assertThat(p[1]).as("fully transparent pixel").isZero();
  }

  @Test
  void jpegDecodes() throws Exception {
    BufferedImage rgb = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
    DecodedImage decoded = decoder.decode(encode(rgb, "jpg"), "black.jpg");
    assertThat(decoded.width()).isEqualTo(16);
    assertThat(decoded.height()).isEqualTo(8);
  }

  @Test
  void badBytesAreRejectedWithStageAndReason() throws Exception {
    assertRejected(new byte[0], "read", "empty file");
    assertRejected("hello, not an image".getBytes(StandardCharsets.UTF_8), "decode", "not a recognised image");
    byte[] png = encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png");
    assertRejected(Arrays.copyOf(png, png.length / 2), "decode", "truncated PNG");
    byte[] jpeg = encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "jpg");
    byte[] garbled = jpeg.clone();
    for (int i = 200; i < garbled.length - 2; i++) {
      garbled[i] = (byte) 0xff;
    }
    try {
      decoder.decode(garbled, "garbled.jpg");
    } catch (ImageRejectedException e) {
      assertThat(e.stage()).isEqualTo(RejectStage.DECODE);
    }
  }

  @Test
  void declaredSizeAboveTheLimitIsRejectedFromTheHeaderAlone() throws Exception {
    byte[] bomb = pngHeaderOnly(100_000, 100_000);
    long before = usedHeap();
    assertRejected(bomb, "decode", "100000x100000 pixels exceeds the limit");
    assertThat(usedHeap() - before).as("no large allocation").isLessThan(256L << 20);
    ImageDecoder strict = new ImageDecoder(100);
    byte[] png = encode(new BufferedImage(11, 10, BufferedImage.TYPE_BYTE_GRAY), "png");
    assertThatThrownBy(() -> strict.decode(png, "small.png")).hasMessageContaining("11x10");
  }

  private void assertRejected(byte[] bytes, String stage, String message) {
    assertThatThrownBy(() -> decoder.decode(bytes, "x"))
        .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.stage().tableName()).isEqualTo(stage))
        .hasMessageContaining(message);
  }

  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).isTrue();
    return out.toByteArray();
  }

  static byte[] pngHeaderOnly(int width, int height) {
    return ImageDecoderTestSupport.pngHeaderOnly(width, height);
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}

package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.fsqspark.contract.ResizePolicy;

/**
 * The native JPEG decoder: which files it takes, the DCT reduction it is allowed (PIL's draft rule), the same
 * samples as ImageIO at full size, and ImageIO in its place when the library is missing or a file is damaged.
 */
class NativeJpegTest {
  private static final Path FIXTURES = Path.of("src/test/resources/images");
  private final ImageDecoder decoder = new ImageDecoder();
  private final ImageDecoder imageIo = decoder.withImageIoOnly();

  @BeforeAll
  static void theLibraryLoadsOnThisMachine() {
    assertThat(NativeJpeg.shared()).as("OpenCV loads from the openpnp jar on linux-x86_64").isPresent();
  }

  @Test
  void fullSizeDecodesGiveImageIosSamples() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 12; trial++) {
      int width = 16 + random.nextInt(400);
      int height = 16 + random.nextInt(400);
      BufferedImage photo = RasterPreprocessingTest.randomImage(random, BufferedImage.TYPE_3BYTE_BGR, width, height);
      byte[] jpeg = ImageDecoderTestSupport.encode(photo, "jpg");
      for (int channels : new int[] {1, 3}) {
        // A model of the image's own size: no reduction, so both decoders must give the same bits.
        Preprocessor same = new Preprocessor(channels, height, width, ResizePolicy.STRETCH, 0, 1);
        float[] viaNative = preprocess(decoder, jpeg, same, true);
        float[] viaImageIo = preprocess(imageIo, jpeg, same, false);
        assertThat(viaNative).as("%dx%d, %d channel(s)", width, height, channels).isEqualTo(viaImageIo);
      }
    }
  }

  @Test
  void reductionFollowsPilsDraftRule() {
    Preprocessor square = new Preprocessor(3, 128, 128, ResizePolicy.CENTER_CROP, 0, 1);
    assertThat(square.maxReduction(640, 480)).as("crop 480 -> 128: 3.75x, so 1/2").isEqualTo(2);
    assertThat(square.maxReduction(256, 256)).isEqualTo(2);
    assertThat(square.maxReduction(255, 400)).as("under twice the input size").isEqualTo(1);
    assertThat(square.maxReduction(1024, 1024)).isEqualTo(8);
    assertThat(square.maxReduction(4000, 600)).as("the short side decides").isEqualTo(4);
    assertThat(new Preprocessor(1, 28, 28, ResizePolicy.CENTER_CROP, 0, 1).maxReduction(28, 28)).isEqualTo(1);
    assertThat(new Preprocessor(3, 64, 256, ResizePolicy.STRETCH, 0, 1).maxReduction(1024, 1024)).isEqualTo(4);
    // Pad keeps the whole image: 1000x500 into 100x100 becomes 100x50.
    assertThat(new Preprocessor(3, 100, 100, ResizePolicy.PAD, 0, 1).maxReduction(1000, 500)).isEqualTo(8);
  }

  @Test
  void reducedDecodesAreSmallerAndStillPreprocessCloseToFullSize() throws Exception {
    BufferedImage photo = ImageDecoderTestSupport.photoLike(640, 480);
    byte[] jpeg = ImageDecoderTestSupport.encode(photo, "jpg");
    try (PendingImage pending = decoder.open(jpeg, "photo.jpg")) {
      assertThat(pending.decodesNatively()).isTrue();
      ImagePixels reduced = pending.decodePixels(4, 3);
      assertThat(reduced).isInstanceOf(PixelRaster.class);
      assertThat(reduced.width()).isEqualTo(160);
      assertThat(reduced.height()).isEqualTo(120);
      assertThat(pending.width()).as("the file's size is kept for the token table").isEqualTo(640);
    }
    try (PendingImage pending = decoder.open(jpeg, "photo.jpg")) {
      ImagePixels luma = pending.decodePixels(2, 1);
      assertThat(luma.channels()).as("a gray model gets libjpeg's luma plane").isEqualTo(1);
      assertThat(luma.width()).isEqualTo(320);
    }
    Preprocessor model = new Preprocessor(3, 64, 64, ResizePolicy.CENTER_CROP, 0, 1);
    assertThat(model.maxReduction(640, 480)).isEqualTo(4);
    float[] scaled = preprocess(decoder, jpeg, model, true);
    float[] full = preprocess(imageIo, jpeg, model, false);
    double error = 0;
    for (int i = 0; i < scaled.length; i++) {
      error = Math.max(error, Math.abs(scaled[i] - full[i]));
    }
    assertThat(error).as("largest difference to the full-size decode, in [0, 1] units").isLessThan(0.08);
    assertThat(scaled).isNotEqualTo(full);
  }

  @Test
  void jpegsWhoseColoursImageIoInterpretsGoToImageIo() throws Exception {
    byte[] cmyk = Files.readAllBytes(FIXTURES.resolve("cmyk-red.jpg"));
    byte[] jpeg = ImageDecoderTestSupport.encode(ImageDecoderTestSupport.photoLike(64, 48), "jpg");
    byte[] icc = withSegment(jpeg, 0xe2, "ICC_PROFILE\0\1\1".getBytes(StandardCharsets.ISO_8859_1));
    byte[] png = ImageDecoderTestSupport.encode(ImageDecoderTestSupport.photoLike(64, 48), "png");
    byte[] progressive = Files.readAllBytes(FIXTURES.resolve("progressive-blue.jpg"));
    assertThat(JpegHeader.parse(cmyk).orElseThrow().components()).isEqualTo(4);
    assertThat(JpegHeader.parse(icc).orElseThrow().iccProfile()).isTrue();
    for (byte[] file : new byte[][] {cmyk, icc, png}) {
      try (PendingImage pending = decoder.open(file, "file")) {
        assertThat(pending.decodesNatively()).isFalse();
        assertThat(pending.decodePixels(8, 3).width()).as("ImageIO never reduces").isEqualTo(pending.width());
      }
    }
    try (PendingImage pending = decoder.open(progressive, "progressive-blue.jpg")) {
      assertThat(pending.decodesNatively()).isTrue();
    }
  }

  @Test
  void withoutTheLibraryEveryJpegIsDecodedByImageIo() throws Exception {
    assertThat(NativeJpeg.load("/nu/pattern/opencv/no-such-platform/libopencv_java490.so")).isEmpty();
    ImageDecoder missing = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false, () -> Optional.empty());
    byte[] jpeg = ImageDecoderTestSupport.encode(ImageDecoderTestSupport.photoLike(320, 240), "jpg");
    Preprocessor model = new Preprocessor(3, 32, 32, ResizePolicy.CENTER_CROP, 0, 1);
    assertThat(preprocess(missing, jpeg, model, false)).isEqualTo(preprocess(imageIo, jpeg, model, false));
  }

  @Test
  void compressedDataThatStopsEarlyIsStillRejectedOnTheNativePath() throws Exception {
    byte[] jpeg = ImageDecoderTestSupport.encode(ImageDecoderTestSupport.photoLike(320, 240), "jpg");
    byte[] closed = Arrays.copyOf(jpeg, jpeg.length / 2 + 2);
    closed[closed.length - 2] = (byte) 0xff;
    closed[closed.length - 1] = (byte) 0xd9;
    Preprocessor model = new Preprocessor(3, 32, 32, ResizePolicy.CENTER_CROP, 0, 1);
    try (PendingImage pending = decoder.open(closed, "closed.jpg")) {
      assertThat(pending.decodesNatively()).as("the framing is complete").isTrue();
      assertThatThrownBy(() -> model.write(pending, new float[model.valuesPerImage()], 0))
          .isInstanceOf(ImageRejectedException.class).hasMessageContaining("premature end of data segment");
    }
    try (PendingImage pending = decoder.acceptingTruncated().open(closed, "closed.jpg")) {
      model.write(pending, new float[model.valuesPerImage()], 0);
      assertThat(pending.damage()).hasValueSatisfying(reason -> assertThat(reason).contains("premature end"));
    }
  }

  @Test
  void headerBombsAreRefusedBeforeTheNativeDecoderRuns() {
    // A whole file by its framing (frame, scan, end marker) that declares 65000 x 65000 pixels.
    byte[] header = ImageDecoderTestSupport.jpegHeaderOnly(65_000, 65_000);
    byte[] scan = {(byte) 0xff, (byte) 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00,
        0x00};
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    bomb.write(header, 0, header.length - 2);
    bomb.write(scan, 0, scan.length);
    bomb.write(0xff);
    bomb.write(0xd9);
    byte[] whole = bomb.toByteArray();
    assertThat(TruncationCheck.damage(whole)).isEmpty();
    assertThat(JpegHeader.parse(whole).orElseThrow().nativeDecodable()).isTrue();
    assertThatThrownBy(() -> new ImageDecoder(1_000_000).open(whole, "bomb.jpg"))
        .isInstanceOf(ImageRejectedException.class).hasMessageContaining("exceeds the limit of 1000000 pixels");
  }

  private static float[] preprocess(ImageDecoder decoder, byte[] bytes, Preprocessor preprocessor, boolean natively)
      throws Exception {
    float[] out = new float[preprocessor.valuesPerImage()];
    try (PendingImage pending = decoder.open(bytes, "image.jpg")) {
      assertThat(pending.decodesNatively()).isEqualTo(natively);
      preprocessor.write(pending, out, 0);
    }
    return out;
  }

  /** {@code jpeg} with one more marker segment right after SOI. */
  private static byte[] withSegment(byte[] jpeg, int marker, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xff);
    out.write(0xd8);
    out.write(0xff);
    out.write(marker);
    out.write((body.length + 2) >> 8);
    out.write((body.length + 2) & 0xff);
    out.write(body, 0, body.length);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}

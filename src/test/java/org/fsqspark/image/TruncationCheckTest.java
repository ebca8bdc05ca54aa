package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The framing checks on encoded bytes: whole files pass, every cut and broken CRC is named. */
class TruncationCheckTest {
  private static final Path FIXTURES = Path.of("src/test/resources/images");

  @Test
  void everyWholeFixtureAndWrittenImagePasses() throws Exception {
    try (Stream<Path> files = Files.list(FIXTURES)) {
      for (Path file : files.filter(p -> !p.toString().endsWith(".py")).toList()) {
        assertThat(TruncationCheck.damage(Files.readAllBytes(file))).as(file.toString()).isEmpty();
      }
    }
    for (String format : List.of("png", "jpg", "gif", "bmp", "tiff")) {
      assertThat(TruncationCheck.damage(encode(photoLike(120, 90), format))).as(format).isEmpty();
    }
  }

  @Test
  void cutsAnywhereAreFoundInEveryFormat() throws Exception {
    for (String format : List.of("png", "jpg", "gif", "bmp", "tiff")) {
      byte[] whole = encode(photoLike(120, 90), format);
      for (int length : cuts(whole.length)) {
        assertThat(TruncationCheck.damage(Arrays.copyOf(whole, length)))
            .as("%s cut to %d of %d bytes", format, length, whole.length)
            .hasValueSatisfying(reason -> assertThat(reason).startsWith("truncated "));
      }
    }
    for (String webp : List.of("photo-lossy.webp", "photo-lossless.webp")) {
      byte[] whole = Files.readAllBytes(FIXTURES.resolve(webp));
      for (int length : cuts(whole.length)) {
        assertThat(TruncationCheck.damage(Arrays.copyOf(whole, length))).as("%s cut to %d", webp, length)
            .hasValueSatisfying(reason -> assertThat(reason).startsWith("truncated WebP: its RIFF header declares "
                + whole.length + " bytes, the file has " + length));
      }
    }
  }

  @Test
  void jpegNeedsItsEndMarkerAfterTheScanButNotAtTheVeryEnd() throws Exception {
    byte[] jpeg = encode(photoLike(64, 48), "jpg");
    byte[] withTrailer = Arrays.copyOf(jpeg, jpeg.length + 100);
    Arrays.fill(withTrailer, jpeg.length, withTrailer.length, (byte) 0x55);
    assertThat(TruncationCheck.damage(withTrailer)).as("bytes after the end marker are ignored").isEmpty();
    assertThat(TruncationCheck.damage(Arrays.copyOf(jpeg, jpeg.length - 2)))
        .hasValueSatisfying(reason -> assertThat(reason).contains("without an end-of-image marker (FF D9)"));
    // A thumbnail inside an APP1 segment has its own end marker; a cut in the main image is still found.
    byte[] withThumbnail = withApp1(encode(photoLike(200, 150), "jpg"), encode(photoLike(16, 12), "jpg"));
    assertThat(TruncationCheck.damage(withThumbnail)).isEmpty();
    assertThat(TruncationCheck.damage(Arrays.copyOf(withThumbnail, withThumbnail.length - 100)))
        .hasValueSatisfying(reason -> assertThat(reason).contains("inside the compressed data of scan 1"));
  }

  @Test
  void pngNeedsIendAndIntactChunks() throws Exception {
    byte[] png = encode(photoLike(64, 48), "png");
    byte[] withTrailer = Arrays.copyOf(png, png.length + 7);
    assertThat(TruncationCheck.damage(withTrailer)).as("bytes after IEND are ignored").isEmpty();
    assertThat(TruncationCheck.damage(Arrays.copyOf(png, png.length - 12)))
        .hasValue("truncated PNG: the file ends after " + (png.length - 12) + " bytes without an IEND chunk");
    byte[] flipped = png.clone();
    flipped[60] ^= 0x01; // inside the first IDAT chunk's data
    assertThat(TruncationCheck.damage(flipped))
        .hasValueSatisfying(reason -> assertThat(reason).startsWith("corrupt PNG: the IDAT chunk at byte")
            .endsWith("fails its CRC check (damaged data)"));
  }

  @Test
  void gifNeedsItsTrailerAndBmpItsPixels() throws Exception {
    byte[] gif = encode(photoLike(40, 30), "gif");
    assertThat(gif[gif.length - 1]).isEqualTo((byte) 0x3b);
    assertThat(TruncationCheck.damage(Arrays.copyOf(gif, gif.length - 1)))
        .hasValueSatisfying(reason -> assertThat(reason).contains("without its trailer (3B)"));
    byte[] bmp = encode(photoLike(41, 30), "bmp");
    assertThat(TruncationCheck.damage(Arrays.copyOf(bmp, bmp.length - 1)))
        .hasValue("truncated BMP: its header describes " + bmp.length + " bytes of headers and pixels, the file has "
            + (bmp.length - 1));
  }

  @Test
  void unknownBytesAreLeftToTheDecoder() {
    assertThat(TruncationCheck.damage(new byte[0])).isEmpty();
    assertThat(TruncationCheck.damage("plain text, not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEmpty();
  }

  @Test
  void aClosedPngEndsWithIendAndKeepsWhatWasThere() throws Exception {
    byte[] png = encode(photoLike(64, 48), "png");
    byte[] cut = Arrays.copyOf(png, png.length / 2);
    byte[] closed = TruncationCheck.closedPng(cut);
    assertThat(TruncationCheck.damage(closed)).as("framing complete, CRCs right").isEmpty();
    assertThat(Arrays.copyOf(closed, 33)).isEqualTo(Arrays.copyOf(png, 33));
  }

  /** Cut points: 10%, 33%, 66% and 95% of the file, and the last two bytes and the last byte cut off. */
  static int[] cuts(int length) {
    return new int[] {length / 10, length / 3, length * 2 / 3, length * 95 / 100, length - 2, length - 1};
  }

  static BufferedImage photoLike(int width, int height) {
    return ImageDecoderTestSupport.photoLike(width, height);
  }

  static byte[] encode(BufferedImage image, String format) throws IOException {
    return ImageDecoderTestSupport.encode(image, format);
  }

  /** {@code jpeg} with an APP1 segment holding {@code thumbnail} right after its start marker. */
  private static byte[] withApp1(byte[] jpeg, byte[] thumbnail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    int length = thumbnail.length + 2;
    out.write(0xff);
    out.write(0xe1);
    out.write(length >>> 8);
    out.write(length & 0xff);
    out.writeBytes(thumbnail);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}

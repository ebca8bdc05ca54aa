package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.fsqspark.contract.RejectStage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real photos cut at several points (10%, 33%, 66%, 95% of the file, and the last two bytes or the last byte
 * cut off): every cut is a {@code decode} rejection with its reason by default, and decodes to an image of the
 * full size, flagged as damaged, when truncated images are accepted. Whole files decode exactly as before.
 * The photos are Debian's opencv-doc examples (skipped with a reason when absent) and two WebP fixtures made
 * from one of them.
 */
class TruncatedImagesTest {
  static final Path OPENCV_DATA = Path.of("/usr/share/doc/opencv-doc/examples/data");
  private static final Path FIXTURES = Path.of("src/test/resources/images");
  /** Baseline JPEGs of several sizes, and PNGs that are gray, RGB, RGBA and palette. */
  private static final List<String> PHOTOS = List.of("aero1.jpg", "baboon.jpg", "fruits.jpg", "HappyFish.jpg",
      "basketball1.png", "pic1.png", "chicky_512.png", "imageTextN.png");

  private final ImageDecoder strict = new ImageDecoder();
  private final ImageDecoder lenient = strict.acceptingTruncated();

  @Test
  void everyCutOfARealJpegOrPngIsRejectedByDefaultAndDecodedWhenAccepted() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(OPENCV_DATA), "opencv-doc is not installed (apt-get install opencv-doc)");
    for (String name : PHOTOS) {
      byte[] whole = Files.readAllBytes(OPENCV_DATA.resolve(name));
      DecodedImage reference = assertWholeUnchanged(whole, name);
      for (int length : TruncationCheckTest.cuts(whole.length)) {
        byte[] cut = Arrays.copyOf(whole, length);
        String label = name + " cut to " + length + " of " + whole.length + " bytes";
        assertRejectedAsTruncated(cut, label);
        assertAcceptedWithDamage(cut, reference, label);
      }
    }
  }

  @Test
  void theRowsBeforeTheCutAreTheOriginalOnes() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(OPENCV_DATA), "opencv-doc is not installed (apt-get install opencv-doc)");
    for (String name : List.of("pic1.png", "aero1.jpg")) {
      byte[] whole = Files.readAllBytes(OPENCV_DATA.resolve(name));
      DecodedImage reference = strict.decode(whole, name);
      DecodedImage partial = lenient.decode(Arrays.copyOf(whole, whole.length * 2 / 3), name);
      int firstRows = reference.height() / 10 * reference.width();
      assertThat(Arrays.copyOf(partial.planes(), firstRows)).as(name).isEqualTo(Arrays.copyOf(reference.planes(),
          firstRows));
      assertThat(partial.planes()).as(name + ": the missing part is filled").isNotEqualTo(reference.planes());
    }
  }

  @Test
  void everyJpegAndPngOfOpencvDocIsWholeAndEveryCutOfItIsRejected() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(OPENCV_DATA), "opencv-doc is not installed (apt-get install opencv-doc)");
    List<Path> photos;
    try (Stream<Path> files = Files.list(OPENCV_DATA)) {
      photos = files.filter(p -> p.toString().matches(".*\\.(jpg|png)")).sorted().toList();
    }
    assertThat(photos).hasSizeGreaterThan(50);
    for (Path photo : photos) {
      byte[] whole = Files.readAllBytes(photo);
      assertThat(TruncationCheck.damage(whole)).as(photo.toString()).isEmpty();
      for (int length : TruncationCheckTest.cuts(whole.length)) {
        assertRejectedAsTruncated(Arrays.copyOf(whole, length), photo.getFileName() + " cut to " + length);
      }
    }
  }

  @Test
  void webpPhotosCutAnywhereAreRejectedByDefault() throws Exception {
    for (String name : List.of("photo-lossy.webp", "photo-lossless.webp")) {
      byte[] whole = Files.readAllBytes(FIXTURES.resolve(name));
      DecodedImage reference = assertWholeUnchanged(whole, name);
      for (int length : TruncationCheckTest.cuts(whole.length)) {
        byte[] cut = Arrays.copyOf(whole, length);
        String label = name + " cut to " + length + " of " + whole.length + " bytes";
        assertRejectedAsTruncated(cut, label);
        if (name.equals("photo-lossy.webp") && length == whole.length / 10) {
          // The first 10% of a lossy WebP holds only its prediction modes: no pixel can be decoded.
          assertThatThrownBy(() -> lenient.decode(cut, label)).isInstanceOf(ImageRejectedException.class)
              .hasMessageContaining("nothing before the cut could be decoded");
          continue;
        }
        assertAcceptedWithDamage(cut, reference, label);
      }
    }
  }

  @Test
  void gifAndBmpCutsAreRejectedByDefaultAndDecodedWhenAccepted() throws Exception {
    for (String format : List.of("gif", "bmp")) {
      // Large enough that 10% of the GIF lies past its 768-byte colour table.
      byte[] whole = TruncationCheckTest.encode(TruncationCheckTest.photoLike(400, 300), format);
      DecodedImage reference = assertWholeUnchanged(whole, format);
      for (int length : TruncationCheckTest.cuts(whole.length)) {
        byte[] cut = Arrays.copyOf(whole, length);
        String label = format + " cut to " + length + " of " + whole.length + " bytes";
        assertRejectedAsTruncated(cut, label);
        assertAcceptedWithDamage(cut, reference, label);
      }
    }
  }

  @Test
  void aJpegWhoseCompressedDataStopsEarlyIsRejectedFromTheDecoderWarning() throws Exception {
    byte[] jpeg = TruncationCheckTest.encode(TruncationCheckTest.photoLike(320, 240), "jpg");
    // Cut inside the scan and closed with an end marker: the framing is complete, the data is not.
    byte[] closed = Arrays.copyOf(jpeg, jpeg.length / 2 + 2);
    closed[closed.length - 2] = (byte) 0xff;
    closed[closed.length - 1] = (byte) 0xd9;
    assertThat(TruncationCheck.damage(closed)).isEmpty();
    assertThatThrownBy(() -> strict.decode(closed, "closed.jpg")).isInstanceOfSatisfying(ImageRejectedException.class,
            e -> assertThat(e.stage()).isEqualTo(RejectStage.DECODE))
        .hasMessageContaining("corrupt or truncated JPEG: the decoder reported \"Corrupt JPEG data: premature end of"
            + " data segment\"").hasMessageContaining("--accept-truncated");
    try (PendingImage image = lenient.open(closed, "closed.jpg")) {
      assertThat(image.decode().width()).isEqualTo(320);
      assertThat(image.damage()).hasValueSatisfying(reason -> assertThat(reason).contains("premature end"));
    }
  }

  @Test
  void aPngWithADamagedChunkIsRejectedByDefault() throws Exception {
    byte[] png = TruncationCheckTest.encode(TruncationCheckTest.photoLike(64, 48), "png");
    DecodedImage reference = strict.decode(png, "whole.png");
    byte[] damaged = png.clone();
    damaged[damaged.length - 16] ^= 0x01; // the CRC of the last IDAT chunk: the image data itself is intact
    assertThatThrownBy(() -> strict.decode(damaged, "crc.png")).isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("fails its CRC check");
    try (PendingImage image = lenient.open(damaged, "crc.png")) {
      assertThat(image.decode().planes()).isEqualTo(reference.planes());
      assertThat(image.damage()).hasValueSatisfying(reason -> assertThat(reason).contains("CRC"));
    }
  }

  @Test
  void harmlessDecoderWarningsDoNotRejectAnImage() throws Exception {
    // The CMYK fixture has no ICC profile: the JPEG reader warns about the colour conversion, nothing is lost.
    byte[] cmyk = Files.readAllBytes(FIXTURES.resolve("cmyk-red.jpg"));
    try (PendingImage image = strict.open(cmyk, "cmyk-red.jpg")) {
      assertThat(image.decode().width()).isEqualTo(40);
      assertThat(image.damage()).isEmpty();
    }
    assertThat(PendingImage.reportsDamage("No embedded ICC color profile, will convert using inaccurate CMYK"))
        .isFalse();
    assertThat(PendingImage.reportsDamage("Corrupt JPEG data: 3 extraneous bytes before marker 0xd9")).isFalse();
    assertThat(PendingImage.reportsDamage("Premature end of JPEG file")).isTrue();
    assertThat(PendingImage.reportsDamage("Truncated File - Missing EOI marker")).isTrue();
  }

  /** Strict and lenient decoders give identical planes for a whole file, and call it whole. */
  private DecodedImage assertWholeUnchanged(byte[] whole, String label) throws ImageRejectedException {
    DecodedImage reference = strict.decode(whole, label);
    try (PendingImage image = lenient.open(whole, label)) {
      DecodedImage again = image.decode();
      assertThat(image.damage()).as(label).isEmpty();
      assertThat(again.planes()).as(label).isEqualTo(reference.planes());
    }
    return reference;
  }

  private void assertRejectedAsTruncated(byte[] cut, String label) {
    assertThatThrownBy(() -> strict.decode(cut, label)).as(label)
        .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.stage()).isEqualTo(RejectStage.DECODE))
        .hasMessageMatching("(?s)(truncated|corrupt or truncated) (JPEG|PNG|WebP|GIF|BMP).*");
  }

  private void assertAcceptedWithDamage(byte[] cut, DecodedImage reference, String label) throws IOException {
    try (PendingImage image = lenient.open(cut, label)) {
      DecodedImage decoded = image.decode();
      assertThat(decoded.width()).as(label).isEqualTo(reference.width());
      assertThat(decoded.height()).as(label).isEqualTo(reference.height());
      assertThat(decoded.channels()).as(label).isEqualTo(reference.channels());
      assertThat(image.damage()).as(label).isPresent();
    } catch (ImageRejectedException e) {
      throw new AssertionError(label + " was rejected with --accept-truncated: " + e.getMessage(), e);
    }
  }
}

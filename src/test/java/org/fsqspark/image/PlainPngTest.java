package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * PNGs decoded without ImageIO give exactly ImageIO's samples, for every row filter, gray and RGB, data split
 * over several IDAT chunks and chunks that say nothing about colour; every other PNG is left to ImageIO.
 */
class PlainPngTest {
  private static final int GRAY = 0;
  private static final int RGB = 2;

  @Test
  void everyRowFilterGivesImageIosSamples() throws Exception {
    Random random = new Random(7);
    for (int channels : new int[] {1, 3}) {
      for (int[] size : new int[][] {{1, 1}, {5, 3}, {33, 17}, {64, 9}}) {
        byte[] pixels = noisyRamp(size[0], size[1], channels, random);
        for (int filter = 0; filter <= 4; filter++) {
          byte[] png = png(size[0], size[1], channels, pixels, fixed(filter), 0, new String[0]);
          assertSameSamples(png, "filter " + filter + ", " + channels + " channel(s), " + size[0] + "x" + size[1]);
        }
        // One filter per row, cycling, and the data split over IDAT chunks of 7 bytes, with text chunks around.
        byte[] mixed = png(size[0], size[1], channels, pixels, row -> row % 5, 7, new String[] {"tEXt", "pHYs"});
        assertSameSamples(mixed, "mixed filters, " + channels + " channel(s), " + size[0] + "x" + size[1]);
      }
    }
  }

  @Test
  void pngsThatImageIoWritesTakeThisPath() throws Exception {
    BufferedImage gray = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage colour = ImageDecoderTestSupport.photoLike(40, 30);
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        gray.getRaster().setSample(x, y, 0, (x * 9 + y * 5) % 256);
      }
    }
    for (BufferedImage image : new BufferedImage[] {gray, colour}) {
      byte[] png = ImageDecoderTestSupport.encode(image, "png");
      assertThat(PlainPng.parse(png)).isPresent();
      assertSameSamples(png, "ImageIO's own " + image.getType());
    }
  }

  @Test
  void pngsWhoseChunksOrLayoutConcernColourAreLeftToImageIo() throws Exception {
    byte[] pixels = noisyRamp(8, 8, 1, new Random(1));
    for (String chunk : new String[] {"gAMA", "iCCP", "sRGB", "cHRM", "tRNS", "sBIT", "bKGD", "PLTE"}) {
      assertThat(PlainPng.parse(png(8, 8, 1, pixels, fixed(0), 0, new String[] {chunk}))).as(chunk).isEmpty();
    }
    assertThat(PlainPng.parse(ImageDecoderTestSupport.pngHeaderOnly(8, 8, 16, GRAY))).isEmpty();
    assertThat(PlainPng.parse(ImageDecoderTestSupport.pngHeaderOnly(8, 8, 8, 3))).isEmpty();
    assertThat(PlainPng.parse(ImageDecoderTestSupport.pngHeaderOnly(8, 8, 8, 6))).isEmpty();
    assertThat(PlainPng.parse(ImageDecoderTestSupport.pngHeaderOnly(8, 8, 8, 4))).isEmpty();
    byte[] interlaced = png(8, 8, 1, pixels, fixed(0), 0, new String[0]);
    interlaced[28] = 1;
    assertThat(PlainPng.parse(interlaced)).isEmpty();
  }

  @Test
  void dataThatIsNotExactlyTheRowsIsLeftToImageIo() throws Exception {
    byte[] pixels = noisyRamp(6, 4, 1, new Random(3));
    PlainPng.Header header = new PlainPng.Header(6, 4, 1);
    // Declared one row taller than the data: too little data.
    byte[] shortData = png(6, 4, 1, pixels, fixed(1), 0, new String[0]);
    assertThat(PlainPng.decode(shortData, new PlainPng.Header(6, 5, 1))).isEmpty();
    // Declared one row shorter: data left over.
    assertThat(PlainPng.decode(shortData, new PlainPng.Header(6, 3, 1))).isEmpty();
    assertThat(PlainPng.decode(shortData, header)).isPresent();
    // A row filter that does not exist: ImageIO rejects the file, as it did before this path.
    byte[] badFilter = png(6, 4, 1, pixels, row -> row == 2 ? 5 : 0, 0, new String[0]);
    assertThat(PlainPng.decode(badFilter, header)).isEmpty();
    assertThatThrownBy(() -> new ImageDecoder().decode(badFilter, "bad-filter.png"))
        .isInstanceOf(ImageRejectedException.class).hasMessageContaining("corrupt or truncated PNG");
  }

  @Test
  void theDecompressionBombCheckStillComesFirst() {
    // Whole files (IDAT and IEND, valid CRCs) whose headers declare far more pixels than their data holds.
    byte[] bomb = declaring(40000, 40000);
    assertThat(PlainPng.parse(bomb)).isPresent();
    assertThatThrownBy(() -> new ImageDecoder().open(bomb, "bomb.png")).isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("exceeds the limit");
    // Sizes whose rows do not fit one array, up to the largest a header can declare: ImageIO's checks decide.
    for (int[] size : new int[][] {{60000, 60000}, {Integer.MIN_VALUE, 1}, {-1, -1}}) {
      byte[] huge = declaring(size[0], size[1]);
      assertThat(PlainPng.parse(huge)).isEmpty();
      assertThatThrownBy(() -> new ImageDecoder().open(huge, "huge.png")).isInstanceOf(ImageRejectedException.class);
    }
  }

  /** A whole gray PNG whose header declares width x height (as unsigned 32-bit values) over one row of data. */
  private static byte[] declaring(int width, int height) {
    byte[] png = png(4, 1, 1, new byte[4], fixed(0), 0, new String[0]);
    putInt(png, 16, width);
    putInt(png, 20, height);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    putInt(png, 29, (int) crc.getValue());
    return png;
  }

  private static void assertSameSamples(byte[] png, String what) throws Exception {
    Optional<PlainPng.Header> header = PlainPng.parse(png);
    assertThat(header).as(what).isPresent();
    PixelRaster raster = PlainPng.decode(png, header.get()).orElseThrow(() -> new AssertionError(what + ": not decoded"));
    Raster expected = ImageIO.read(new ByteArrayInputStream(png)).getRaster();
    assertThat(raster.width()).isEqualTo(expected.getWidth());
    assertThat(raster.height()).isEqualTo(expected.getHeight());
    assertThat(raster.channels()).isEqualTo(expected.getNumBands());
    for (int y = 0; y < raster.height(); y++) {
      for (int x = 0; x < raster.width(); x++) {
        for (int band = 0; band < raster.channels(); band++) {
          int actual = raster.samples()[raster.offset() + y * raster.rowStride() + x * raster.pixelStride()
              + raster.colourBand(band)] & 0xff;
          assertThat(actual).as("%s: sample %d of (%d, %d)", what, band, x, y).isEqualTo(expected.getSample(x, y, band));
        }
      }
    }
    // Through the decoder, the pixels the preprocessor gets come from this path.
    try (PendingImage pending = new ImageDecoder().open(png, what)) {
      assertThat(pending.decodePixels(1, raster.channels())).isInstanceOf(PixelRaster.class);
    }
  }

  private static byte[] noisyRamp(int width, int height, int channels, Random random) {
    byte[] pixels = new byte[width * height * channels];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 37 / 5 + random.nextInt(48));
    }
    return pixels;
  }

  private static java.util.function.IntUnaryOperator fixed(int filter) {
    return row -> filter;
  }

  /**
   * A PNG of these samples, each row filtered with {@code filterOfRow} (as the PNG specification defines the
   * filters, on the raw samples), the deflated data in IDAT chunks of at most {@code idatBytes} (0: one chunk),
   * and small {@code extraChunks} before the data.
   */
  static byte[] png(int width, int height, int channels, byte[] pixels, java.util.function.IntUnaryOperator filterOfRow,
      int idatBytes, String[] extraChunks) {
    int stride = width * channels;
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int y = 0; y < height; y++) {
      int filter = Math.max(0, filterOfRow.applyAsInt(y));
      raw.write(filter);
      for (int i = 0; i < stride; i++) {
        int value = pixels[y * stride + i] & 0xff;
        int left = i >= channels ? pixels[y * stride + i - channels] & 0xff : 0;
        int above = y > 0 ? pixels[(y - 1) * stride + i] & 0xff : 0;
        int aboveLeft = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels] & 0xff : 0;
        int predicted = switch (filter) {
          case 1 -> left;
          case 2 -> above;
          case 3 -> (left + above) / 2;
          case 4 -> paeth(left, above, aboveLeft);
          default -> 0;
        };
        raw.write((value - predicted) & 0xff);
      }
    }
    Deflater deflater = new Deflater();
    deflater.setInput(raw.toByteArray());
    deflater.finish();
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    byte[] buffer = new byte[256];
    while (!deflater.finished()) {
      compressed.write(buffer, 0, deflater.deflate(buffer));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8;
    ihdr[9] = (byte) (channels == 3 ? RGB : GRAY);
    chunk(out, "IHDR", ihdr);
    for (String extra : extraChunks) {
      chunk(out, extra, extra.equals("pHYs") ? new byte[9] : extra.equals("tEXt") ? "Title\0x".getBytes(StandardCharsets.ISO_8859_1)
          : new byte[4]);
    }
    byte[] data = compressed.toByteArray();
    int step = idatBytes == 0 ? data.length : idatBytes;
    for (int at = 0; at < data.length; at += step) {
      chunk(out, "IDAT", java.util.Arrays.copyOfRange(data, at, Math.min(data.length, at + step)));
    }
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] word = new byte[4];
    putInt(word, 0, data.length);
    out.writeBytes(word);
    byte[] typed = new byte[4 + data.length];
    System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, typed, 0, 4);
    System.arraycopy(data, 0, typed, 4, data.length);
    out.writeBytes(typed);
    CRC32 crc = new CRC32();
    crc.update(typed);
    putInt(word, 0, (int) crc.getValue());
    out.writeBytes(word);
  }

  private static void putInt(byte[] target, int at, int value) {
    target[at] = (byte) (value >>> 24);
    target[at + 1] = (byte) (value >>> 16);
    target[at + 2] = (byte) (value >>> 8);
    target[at + 3] = (byte) value;
  }
}

package org.fsqspark.jobs;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.fsqspark.io.SampleImages;

/** Input folders for job tests: real Fashion-MNIST PNGs plus bad files of every kind. */
public final class TestImages {
  private TestImages() {}

  /** Writes {@code count} bundled sample PNGs under {@code folder} (one sub-folder per class). */
  public static int samples(Path folder, int count) throws IOException {
    return SampleImages.writePngs(folder, count);
  }

  /** A colour JPEG of another size, so resizing and colour conversion are exercised. */
  public static void colourJpeg(Path file, int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "jpg", file.toFile());
  }

  /**
   * Four files that cannot be tokenized: empty, text with an image extension, a truncated PNG, and a PNG
   * whose header declares 100000 x 100000 pixels (a decompression bomb).
   */
  public static void badFiles(Path folder, Path goodPng) throws IOException {
    Files.createDirectories(folder);
    Files.write(folder.resolve("bomb.png"), org.fsqspark.image.ImageDecoderTestSupport.pngHeaderOnly(100_000, 100_000));
    Files.write(folder.resolve("empty.png"), new byte[0]);
    Files.writeString(folder.resolve("notes.jpg"), "this is text, not a JPEG", StandardCharsets.UTF_8);
    byte[] png = Files.readAllBytes(goodPng);
    Files.write(folder.resolve("truncated.png"), Arrays.copyOf(png, png.length / 3));
  }
}

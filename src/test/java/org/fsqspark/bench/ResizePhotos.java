package org.fsqspark.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes the benchmark's photos: every JPEG and PNG of a folder scaled so its longer side is at most
 * MAX_SIDE pixels (the size of typical dataset images, not of 13-megapixel test charts), in its own format.
 *
 * <p>Usage: ResizePhotos SOURCE_DIR OUTPUT_DIR MAX_SIDE
 */
public final class ResizePhotos {
  private ResizePhotos() {}

  public static void main(String[] args) throws IOException {
    Path source = Path.of(args[0]);
    Path output = Files.createDirectories(Path.of(args[1]));
    int maxSide = Integer.parseInt(args[2]);
    List<Path> files;
    try (Stream<Path> list = Files.list(source)) {
      files = list.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)$")).sorted().toList();
    }
    int written = 0;
    for (Path file : files) {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        continue;
      }
      double scale = Math.min(1.0, (double) maxSide / Math.max(image.getWidth(), image.getHeight()));
      int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
      int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
      boolean png = file.toString().toLowerCase(Locale.ROOT).endsWith(".png");
      BufferedImage scaled = new BufferedImage(width, height,
          png && image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
      Graphics2D graphics = scaled.createGraphics();
      graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      graphics.drawImage(image, 0, 0, width, height, null);
      graphics.dispose();
      if (ImageIO.write(scaled, png ? "png" : "jpg", output.resolve(file.getFileName()).toFile())) {
        written++;
      }
    }
    System.out.println(written);
  }
}

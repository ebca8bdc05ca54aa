package org.fsqspark.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes the benchmark's photo set: COUNT random crops (each side 256..640 pixels, within the source) of the
 * colour JPEG photos of a folder, re-encoded as JPEG quality 90, the size and kind of a web-crawled dataset's
 * images. The same SEED gives the same files.
 *
 * <p>Usage: PhotoCrops SOURCE_DIR OUTPUT_DIR COUNT SEED
 */
public final class PhotoCrops {
  private static final int MIN_SIDE = 256;
  private static final int MAX_SIDE = 640;
  private static final float QUALITY = 0.9f;

  private PhotoCrops() {}

  public static void main(String[] args) throws IOException {
    Path output = Files.createDirectories(Path.of(args[1]));
    int count = Integer.parseInt(args[2]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[3]));
    List<BufferedImage> photos = photos(Path.of(args[0]));
    if (photos.isEmpty()) {
      throw new IllegalArgumentException("No colour JPEG of at least " + MIN_SIDE + " pixels a side in " + args[0]);
    }
    // Every crop drawn up front, in order, so the files do not depend on how the writing threads interleave.
    int[][] crops = new int[count][];
    for (int i = 0; i < count; i++) {
      int source = random.nextInt(photos.size());
      BufferedImage photo = photos.get(source);
      int width = Math.min(photo.getWidth(), MIN_SIDE + random.nextInt(MAX_SIDE - MIN_SIDE + 1));
      int height = Math.min(photo.getHeight(), MIN_SIDE + random.nextInt(MAX_SIDE - MIN_SIDE + 1));
      crops[i] = new int[] {source, random.nextInt(photo.getWidth() - width + 1),
          random.nextInt(photo.getHeight() - height + 1), width, height};
    }
    IntStream.range(0, count).parallel().forEach(i -> {
      int[] crop = crops[i];
      BufferedImage region = photos.get(crop[0]).getSubimage(crop[1], crop[2], crop[3], crop[4]);
      write(region, output.resolve(String.format(Locale.ROOT, "photo-%05d.jpg", i)));
    });
    System.out.println(count + " crops of " + photos.size() + " photos");
  }

  private static List<BufferedImage> photos(Path source) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(source)) {
      files = list.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g$")).sorted().toList();
    }
    List<BufferedImage> photos = new ArrayList<>();
    for (Path file : files) {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image != null && image.getColorModel().getNumColorComponents() == 3 && image.getWidth() >= MIN_SIDE
          && image.getHeight() >= MIN_SIDE) {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics graphics = rgb.getGraphics();
        graphics.drawImage(image, 0, 0, null);
        graphics.dispose();
        photos.add(rgb);
      }
    }
    return photos;
  }

  private static void write(BufferedImage image, Path file) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot write " + file, e);
    } finally {
      writer.dispose();
    }
  }
}

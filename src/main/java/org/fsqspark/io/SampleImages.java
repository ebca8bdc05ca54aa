package org.fsqspark.io;

import org.fsqspark.error.BadInputException;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The demo images bundled in the jar: the first 500 Fashion-MNIST test images (real product photos,
 * 28x28 grayscale, Zalando, MIT licence), written out as PNG files in one folder per class.
 */
public final class SampleImages {
  /** Fashion-MNIST class names, by label. */
  public static final List<String> CLASSES = List.of("t-shirt_top", "trouser", "pullover", "dress", "coat",
      "sandal", "shirt", "sneaker", "bag", "ankle_boot");

  private static final String RESOURCE = "/org/fsqspark/samples/fashion-mnist-test-";

  /** What {@code fsq samples} writes into its output: one folder per class of PNG files. */
  public static final OutputKind OUTPUT = OutputKind.of("samples", "*/*.png");

  private SampleImages() {}

  /** The bundled images and labels. */
  public static IdxImages bundled() throws IOException {
    try (InputStream images = stream("images-idx3-ubyte.gz"); InputStream labels = stream("labels-idx1-ubyte.gz")) {
      return IdxImages.read(images, "images.gz", labels, "labels.gz");
    }
  }

  /** Writes up to {@code limit} images as {@code folder/<class>/test-NNNNN.png}; returns how many. */
  public static int writePngs(Path folder, int limit) throws IOException {
    return writePngs(bundled(), folder, limit, "test");
  }

  /** Writes up to {@code limit} IDX images as {@code folder/<class>/<prefix>-NNNNN.png}; returns how many. */
  public static int writePngs(IdxImages images, Path folder, int limit, String prefix) throws IOException {
    int count = Math.min(limit, images.count());
    for (int i = 0; i < count; i++) {
      int label = images.label(i);
      Path classFolder = folder.resolve(label >= 0 && label < CLASSES.size() ? CLASSES.get(label) : "unlabelled");
      Files.createDirectories(classFolder);
      ImageIO.write(toImage(images, i), "png",
          classFolder.resolve(String.format(Locale.ROOT, "%s-%05d.png", prefix, i)).toFile());
    }
    return count;
  }

  /**
   * Writes up to {@code limit} IDX images as Parquet files of {@code rowsPerFile} rows: {@code id}
   * ({@code <prefix>-NNNNN}, as the PNG names), {@code image} (PNG bytes) and {@code label} (int64), which
   * tokenize reads with {@code --id-column id --keep label}. Returns how many images were written.
   */
  public static int writeParquet(IdxImages images, Path folder, int limit, String prefix, int rowsPerFile)
      throws IOException {
    if (rowsPerFile < 1) {
      throw new BadInputException("--rows-per-file must be at least 1, got " + rowsPerFile);
    }
    int count = Math.min(limit, images.count());
    List<Column> columns = List.of(Column.required("id", ColumnType.STRING),
        Column.required("image", ColumnType.BINARY), Column.required("label", ColumnType.LONG));
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    Files.createDirectories(folder);
    for (int start = 0; start < count; start += rowsPerFile) {
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(folder.resolve(
          String.format(Locale.ROOT, "%s-%05d.parquet", prefix, start / rowsPerFile)).toUri());
      try (ParquetRowWriter writer = new ParquetRowWriter(conf, file, columns, java.util.Map.of())) {
        for (int i = start; i < Math.min(count, start + rowsPerFile); i++) {
          java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
          ImageIO.write(toImage(images, i), "png", png);
          writer.write(new Object[] {String.format(Locale.ROOT, "%s-%05d", prefix, i), png.toByteArray(),
              (long) images.label(i)});
        }
      }
    }
    return count;
  }

  /** One IDX image as an 8-bit grayscale image. */
  public static BufferedImage toImage(IdxImages images, int i) {
    BufferedImage image = new BufferedImage(images.columns(), images.rows(), BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster raster = image.getRaster();
    for (int y = 0; y < images.rows(); y++) {
      for (int x = 0; x < images.columns(); x++) {
        raster.setSample(x, y, 0, images.pixel(i, y, x));
      }
    }
    return image;
  }

  private static InputStream stream(String suffix) throws IOException {
    InputStream in = SampleImages.class.getResourceAsStream(RESOURCE + suffix);
    if (in == null) {
      throw new IOException("Bundled sample " + RESOURCE + suffix + " is missing; rebuild the jar");
    }
    return in;
  }
}

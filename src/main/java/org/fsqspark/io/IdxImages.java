package org.fsqspark.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Images and labels in the IDX format of MNIST and Fashion-MNIST (optionally gzipped): big-endian magic
 * 0x00000803, count, rows, columns, then unsigned bytes row-major; labels use magic 0x00000801.
 */
public final class IdxImages {
  /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
  public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  private final byte[] pixels;
  private final byte[] labels;
  private final int count;
  private final int rows;
  private final int columns;

  private IdxImages(byte[] pixels, byte[] labels, int count, int rows, int columns) {
    this.pixels = pixels;
    this.labels = labels;
    this.count = count;
    this.rows = rows;
    this.columns = columns;
  }

  /** Reads {@code <split>-images-idx3-ubyte[.gz]} and its labels from a Fashion-MNIST style folder. */
  public static IdxImages readSplit(Path folder, String split) throws IOException {
    Path images = firstExisting(folder, split + "-images-idx3-ubyte");
    Path labelFile = firstExisting(folder, split + "-labels-idx1-ubyte");
    return read(images, labelFile);
  }

  /** Reads an image file and, when {@code labelFile} is not null, its labels. */
  public static IdxImages read(Path imageFile, Path labelFile) throws IOException {
    try (DataInputStream images = open(Files.newInputStream(imageFile), imageFile.toString());
        DataInputStream labels = labelFile == null ? null : open(Files.newInputStream(labelFile), labelFile.toString())) {
      return read(images, imageFile.toString(), labels, labelFile == null ? null : labelFile.toString());
    }
  }

  /** Reads IDX streams (gzip is detected from the name); {@code labels} may be null. */
  public static IdxImages read(InputStream images, String imageName, InputStream labels, String labelName)
      throws IOException {
    try (DataInputStream imageData = open(images, imageName);
        DataInputStream labelData = labels == null ? null : open(labels, labelName)) {
      return read(imageData, imageName, labelData, labelName);
    }
  }

  private static IdxImages read(DataInputStream in, String imageName, DataInputStream labelIn, String labelName)
      throws IOException {
    int magic = in.readInt();
    if (magic != 0x00000803) {
      throw new IOException(imageName + " is not an IDX image file: magic 0x" + Integer.toHexString(magic)
          + ", expected 0x803");
    }
    int count = in.readInt();
    int rows = in.readInt();
    int columns = in.readInt();
    if (count < 0 || rows <= 0 || columns <= 0 || (long) count * rows * columns > Integer.MAX_VALUE) {
      throw new IOException(imageName + " declares an impossible size " + count + "x" + rows + "x" + columns);
    }
    byte[] pixels = new byte[count * rows * columns];
    try {
      in.readFully(pixels);
    } catch (EOFException e) {
      throw new IOException(imageName + " is truncated: expected " + pixels.length + " pixel bytes", e);
    }
    byte[] labels = labelIn == null ? null : readLabels(labelIn, labelName, count);
    return new IdxImages(pixels, labels, count, rows, columns);
  }

  private static byte[] readLabels(DataInputStream in, String labelName, int expected) throws IOException {
    int magic = in.readInt();
    if (magic != 0x00000801) {
      throw new IOException(labelName + " is not an IDX label file: magic 0x" + Integer.toHexString(magic));
    }
    int count = in.readInt();
    if (count != expected) {
      throw new IOException(labelName + " has " + count + " labels for " + expected + " images");
    }
    byte[] labels = new byte[count];
    in.readFully(labels);
    return labels;
  }

  public int count() {
    return count;
  }

  public int rows() {
    return rows;
  }

  public int columns() {
    return columns;
  }

  /** Unsigned pixel (0..255) of image {@code i}. */
  public int pixel(int i, int row, int column) {
    return pixels[(i * rows + row) * columns + column] & 0xff;
  }

  /** Writes image {@code i} scaled to [0, 1] into {@code out} at {@code offset}. */
  public void writeUnitFloats(int i, float[] out, int offset) {
    int size = rows * columns;
    int base = i * size;
    for (int p = 0; p < size; p++) {
      out[offset + p] = (pixels[base + p] & 0xff) / 255f;
    }
  }

  /** Label of image {@code i}, or -1 without labels. */
  public int label(int i) {
    return labels == null ? -1 : labels[i] & 0xff;
  }

  private static Path firstExisting(Path folder, String stem) throws IOException {
    for (String candidate : new String[] {stem + ".gz", stem}) {
      Path path = folder.resolve(candidate);
      if (Files.isRegularFile(path)) {
        return path;
      }
    }
    throw new IOException("Neither " + stem + ".gz nor " + stem + " exists in " + folder
        + (folder.equals(FASHION_MNIST) ? "; install it with: apt-get install -y dataset-fashion-mnist" : ""));
  }

  private static DataInputStream open(InputStream stream, String name) throws IOException {
    InputStream raw = new BufferedInputStream(stream, 1 << 16);
    if (name.endsWith(".gz")) {
      raw = new GZIPInputStream(raw, 1 << 16);
    }
    return new DataInputStream(raw);
  }
}

package org.fsqspark.io.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.fsqspark.error.BadDataException;

/**
 * The index of one {@code bin} file as a NumPy {@code .npy} file (format 1.0) of one structured record per
 * row, 16 bytes: {@code offset} (int64, the row's first token in the {@code .bin} file, counted in tokens),
 * {@code grid_h}, {@code grid_w} (uint16) and {@code label} (int32, -1 without a label); in an export of a table
 * with augmentation variants 18 bytes, with {@code variant} (uint16, the variant's position in the header's
 * {@code variants}) last. {@code numpy.load} reads it as it is.
 */
public final class NpyIndex {
  /** NumPy's description of a record, as {@code np.dtype(DESCR)} takes it. */
  public static final String DESCR = "[('offset', '<i8'), ('grid_h', '<u2'), ('grid_w', '<u2'), ('label', '<i4')]";
  /** The record with the variant. */
  public static final String DESCR_VARIANTS = "[('offset', '<i8'), ('grid_h', '<u2'), ('grid_w', '<u2'),"
      + " ('label', '<i4'), ('variant', '<u2')]";
  private static final int RECORD_BYTES = 8 + 2 + 2 + 4 + 2;
  private final boolean variants;
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

  private ByteBuffer records = ByteBuffer.allocate(RECORD_BYTES * 1024).order(ByteOrder.LITTLE_ENDIAN);
  private long rows;

  /** An index of 16-byte records, without the variant. */
  public NpyIndex() {
    this(false);
  }

  /** An index whose records carry the variant when {@code variants} is true. */
  public NpyIndex(boolean variants) {
    this.variants = variants;
  }

  /** Adds the next row's record. */
  public void add(long offset, int gridHeight, int gridWidth, long label) {
    add(offset, gridHeight, gridWidth, label, 0);
  }

  /** Adds the next row's record with its variant's position (ignored by an index without variants). */
  public void add(long offset, int gridHeight, int gridWidth, long label, int variant) {
    if (gridHeight < 0 || gridHeight > 0xFFFF || gridWidth < 0 || gridWidth > 0xFFFF || label < Integer.MIN_VALUE
        || label > Integer.MAX_VALUE) {
      throw new BadDataException("An index record holds grids up to 65535 and int32 labels, got a "
          + gridHeight + "x" + gridWidth + " grid and label " + label);
    }
    if (records.remaining() < RECORD_BYTES) {
      if (records.capacity() > Integer.MAX_VALUE / 2) {
        throw new IllegalStateException("An index of more than " + rows + " rows; lower --rows-per-file");
      }
      ByteBuffer larger = ByteBuffer.allocate(records.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
      records.flip();
      larger.put(records);
      records = larger;
    }
    records.putLong(offset).putShort((short) gridHeight).putShort((short) gridWidth).putInt((int) label);
    if (variants) {
      records.putShort((short) variant);
    }
    rows++;
  }

  public long rows() {
    return rows;
  }

  /** Writes the header and the records; returns the bytes written. */
  public long writeTo(OutputStream out) throws IOException {
    String dict = "{'descr': " + (variants ? DESCR_VARIANTS : DESCR) + ", 'fortran_order': False, 'shape': (" + rows + ",), }";
    // Magic, version and the 2-byte length take 10 bytes; the header is padded so the data starts at a
    // multiple of 64 bytes, as NumPy writes it, and ends with a newline.
    int unpadded = MAGIC.length + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
    out.write(MAGIC);
    out.write(headerBytes.length & 0xFF);
    out.write(headerBytes.length >>> 8);
    out.write(headerBytes);
    out.write(records.array(), 0, records.position());
    return MAGIC.length + 2L + headerBytes.length + records.position();
  }
}

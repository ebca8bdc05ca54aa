package org.fsqspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadDataException;

/**
 * Reads the rows of a token table (the part files of {@code fsq tokenize}, or any Parquet files with its
 * columns) without Spark, as a training job does: the tokenizer manifest checked across every part's footer
 * and {@code _tokenizer.json} ({@link TableManifest}), rows streamed file by file with only the needed columns
 * ({@link TokenPartReader}), a deterministic train/validation split by a hash of {@code id} ({@link IdSplit}),
 * and epochs shuffled with a seed through a bounded buffer, so a table larger than memory is never held in it.
 */
public final class TokenTableReader {
  private final Configuration conf;
  private final String table;
  private final List<Path> files;
  private final TokenizerManifest manifest;
  // -1 until counted: a reader of checked files knows it from the driver and reads no footer again.
  private long rows;

  private TokenTableReader(Configuration conf, String table, List<Path> files, TokenizerManifest manifest,
      long rows) {
    this.conf = conf;
    this.table = table;
    this.files = files;
    this.manifest = manifest;
    this.rows = rows;
  }

  /**
   * Opens a table folder (or one Parquet file, or a glob): its part files as Spark lists them, whose footers
   * must all carry one tokenizer manifest.
   *
   * @throws BadDataException when the table has no part files, a part carries no manifest, or they disagree
   */
  public static TokenTableReader open(Configuration conf, String table) {
    TableManifest read = TableManifest.read(conf, table);
    if (read.partFiles().isEmpty()) {
      throw new BadDataException("Token table " + table + " has no part files (*.parquet)");
    }
    TokenizerManifest manifest = read.manifest().orElseThrow(() -> new BadDataException("Token table " + table
        + " carries no tokenizer manifest in its part files' footers (key " + TokenTable.MANIFEST_KEY + "); it was"
        + " not written by fsq tokenize"));
    return new TokenTableReader(conf, table, read.partFiles(), manifest, -1);
  }

  /**
   * A reader of part files that {@link #open} already checked (on a Spark driver, say), for a process that
   * reads some of them (an executor's task): no footer is read again.
   */
  public static TokenTableReader ofCheckedFiles(Configuration conf, String table, List<Path> files,
      TokenizerManifest manifest, long rows) {
    if (files == null || files.isEmpty() || manifest == null) {
      throw new IllegalArgumentException("A reader of checked part files needs the files and their manifest");
    }
    return new TokenTableReader(conf, table, List.copyOf(files), manifest, rows);
  }

  /** The tokenizer manifest every part file carries. */
  public TokenizerManifest manifest() {
    return manifest;
  }

  public String table() {
    return table;
  }

  /** Part files in name order. */
  public List<Path> files() {
    return files;
  }

  /** Rows in the whole table, from the footers. */
  public long rowCount() {
    if (rows >= 0) {
      return rows;
    }
    long counted = 0;
    try {
      for (Path file : files) {
        counted += TokenTable.rowCount(conf, file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the footers of " + table + ": " + e.getMessage(), e);
    }
    rows = counted;
    return rows;
  }

  /**
   * The physical type of a primitive column ({@code INT32}, {@code INT64}, {@code BINARY}, ...) when every
   * part file has it, else null.
   */
  public String primitiveColumn(String name) {
    String type = null;
    for (Path file : files) {
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        if (!schema.containsField(name) || !schema.getType(name).isPrimitive()) {
          return null;
        }
        String here = schema.getType(name).asPrimitiveType().getPrimitiveTypeName().name();
        if (type != null && !type.equals(here)) {
          throw new BadDataException("Column '" + name + "' of token table " + table + " is " + type
              + " in " + files.get(0).getName() + " but " + here + " in " + file.getName());
        }
        type = here;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return type;
  }

  /** Rows of one split in file order; {@code passthrough} names the extra columns to read. */
  public RowStream rows(IdSplit split, IdSplit.Part part, List<String> passthrough) {
    return new RowStream(files, split, part, passthrough, null, 0);
  }

  /**
   * One epoch of a split in a shuffled order: the part files in an order drawn from {@code seed} and
   * {@code epoch}, their rows passed through a shuffle buffer of {@code bufferRows} rows. The same seed and
   * epoch give the same order; memory holds at most {@code bufferRows} rows.
   */
  public RowStream epoch(IdSplit split, IdSplit.Part part, List<String> passthrough, long seed, int epoch,
      int bufferRows) {
    if (bufferRows < 1) {
      throw new IllegalArgumentException("The shuffle buffer must hold at least 1 row, got " + bufferRows);
    }
    Random random = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
    List<Path> order = new ArrayList<>(files);
    Collections.shuffle(order, random);
    return new RowStream(order, split, part, passthrough, random, bufferRows);
  }

  /** Rows streamed from the part files; close it to release the open file. */
  public final class RowStream implements Iterator<TokenRow>, Closeable {
    private final List<Path> order;
    private final IdSplit split;
    private final IdSplit.Part part;
    private final List<String> passthrough;
    private final Random random;
    private final int bufferRows;
    private final List<TokenRow> buffer = new ArrayList<>();
    private int fileIndex;
    private TokenPartReader reader;
    private Path current;
    private TokenRow next;

    private RowStream(List<Path> order, IdSplit split, IdSplit.Part part, List<String> passthrough, Random random,
        int bufferRows) {
      this.order = order;
      this.split = split;
      this.part = part;
      this.passthrough = List.copyOf(passthrough);
      this.random = random;
      this.bufferRows = bufferRows;
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        next = random == null ? readFiltered() : shuffled();
      }
      return next != null;
    }

    @Override
    public TokenRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      TokenRow row = next;
      next = null;
      return row;
    }

    /** Fills the buffer, then swaps each new row for a random one of the buffer; drains it at the end. */
    private TokenRow shuffled() {
      while (buffer.size() < bufferRows) {
        TokenRow row = readFiltered();
        if (row == null) {
          break;
        }
        buffer.add(row);
      }
      if (buffer.isEmpty()) {
        return null;
      }
      int pick = random.nextInt(buffer.size());
      TokenRow chosen = buffer.get(pick);
      TokenRow last = buffer.remove(buffer.size() - 1);
      if (pick < buffer.size()) {
        buffer.set(pick, last);
      }
      return chosen;
    }

    private TokenRow readFiltered() {
      while (true) {
        TokenRow row = read();
        if (row == null || split.includes(part, row.id())) {
          return row;
        }
      }
    }

    private TokenRow read() {
      try {
        while (true) {
          if (reader == null) {
            if (fileIndex >= order.size()) {
              return null;
            }
            current = order.get(fileIndex++);
            reader = TokenPartReader.open(conf, current, passthrough);
          }
          if (reader.hasNext()) {
            return reader.next().strict(current);
          }
          reader.close();
          reader = null;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + current + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException e) {
          // Only reading; nothing is lost when a close fails.
        }
        reader = null;
      }
      fileIndex = order.size();
      buffer.clear();
    }
  }

  /**
   * One row of a part file cannot be read as a token row (no id, null tokens); the stream stays usable, so a
   * caller that turns bad rows into rejects catches this and reads on.
   */
  public static final class DamagedRowException extends BadDataException {
    private static final long serialVersionUID = 1L;
    private final String id;

    DamagedRowException(String id, String message) {
      super(message);
      this.id = id;
    }

    /** The row's id, or null when the row has none. */
    public String id() {
      return id;
    }
  }
}

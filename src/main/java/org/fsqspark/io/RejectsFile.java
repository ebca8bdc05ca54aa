package org.fsqspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.RejectStage;

/**
 * Rows of a rejects table ({@link TokenTable#REJECT_COLUMNS}: id, source, stage, error) in one Parquet file.
 * {@link #eager} creates the file at once, so even a shard without rejects has one; {@link #lazy} only at the
 * first row.
 */
public final class RejectsFile implements Closeable {
  private final Configuration conf;
  private final Path file;
  private ParquetRowWriter writer;

  private RejectsFile(Configuration conf, Path file) {
    this.conf = conf;
    this.file = file;
  }

  /** A rejects file created now. */
  public static RejectsFile eager(Configuration conf, Path file) throws IOException {
    RejectsFile rejects = new RejectsFile(conf, file);
    rejects.open();
    return rejects;
  }

  /** A rejects file created when the first row comes. */
  public static RejectsFile lazy(Configuration conf, Path file) {
    return new RejectsFile(conf, file);
  }

  /** Writes a reject row. */
  public void add(String id, String source, RejectStage stage, String error) throws IOException {
    open().write(new Object[] {id, source, stage.tableName(), error});
  }

  public long rows() {
    return writer == null ? 0 : writer.rows();
  }

  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.close();
    }
  }

  private ParquetRowWriter open() throws IOException {
    if (writer == null) {
      writer = new ParquetRowWriter(conf, file, TokenTable.REJECT_COLUMNS, Map.of());
    }
    return writer;
  }
}

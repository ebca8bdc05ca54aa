package org.fsqspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The two files one shard produces, written under {@code _temporary/} and committed by renaming: first the
 * rejects file into {@code _rejects/}, then the token file into the table. The token file is the commit
 * marker: a shard whose {@code part-NNNNN.parquet} exists is done, and nothing half-written is ever visible
 * under a final name. Attempts write to their own temporary names, so retries and speculative copies do not
 * collide; the first to commit wins and the same input always gives the same rows.
 */
public final class ShardOutput implements Closeable {
  private final Configuration conf;
  private final Path output;
  private final Shard shard;
  private final Path temporaryTokens;
  private final Path temporaryRejects;
  private final ParquetRowWriter tokens;
  private final ParquetRowWriter rejects;
  private boolean closed;

  public ShardOutput(Configuration conf, String output, Shard shard, long attempt, List<Column> passthrough,
      Map<String, String> footer) throws IOException {
    this.conf = conf;
    this.output = new Path(output);
    this.shard = shard;
    Path temporary = new Path(this.output, TokenTable.TEMPORARY_DIR);
    this.temporaryTokens = new Path(temporary, shard.name() + ".attempt-" + attempt + ".parquet");
    this.temporaryRejects = new Path(temporary, shard.name() + ".attempt-" + attempt + ".rejects.parquet");
    List<Column> columns = new ArrayList<>(TokenTable.COLUMNS);
    columns.addAll(passthrough);
    this.tokens = new ParquetRowWriter(conf, temporaryTokens, columns, footer);
    this.rejects = new ParquetRowWriter(conf, temporaryRejects, TokenTable.REJECT_COLUMNS, Map.of());
  }

  /** Final name of a shard's token file inside the table. */
  public static Path committedTokens(Path output, Shard shard) {
    return new Path(output, shard.name() + ".parquet");
  }

  /** Final name of a shard's rejects file. */
  public static Path committedRejects(Path output, Shard shard) {
    return new Path(new Path(output, TokenTable.REJECTS_DIR), shard.name() + ".parquet");
  }

  /** Writes a token row: id, tokens, grid_h, grid_w, height, width, then the passthrough values. */
  public void addTokens(String id, int[] indices, int gridHeight, int gridWidth, int height, int width,
      Object[] passthrough) throws IOException {
    Object[] row = new Object[TokenTable.COLUMNS.size() + passthrough.length];
    row[0] = id;
    row[1] = indices;
    row[2] = gridHeight;
    row[3] = gridWidth;
    row[4] = height;
    row[5] = width;
    System.arraycopy(passthrough, 0, row, TokenTable.COLUMNS.size(), passthrough.length);
    tokens.write(row);
  }

  /** Writes a reject row. */
  public void addReject(String id, String source, String stage, String error) throws IOException {
    rejects.write(new Object[] {id, source, stage, error});
  }

  public long tokenRows() {
    return tokens.rows();
  }

  public long rejectRows() {
    return rejects.rows();
  }

  /** Closes both files and moves them to their final names; returns false if another attempt committed first. */
  public boolean commit() throws IOException {
    closeWriters();
    FileSystem fs = output.getFileSystem(conf);
    Path finalTokens = committedTokens(output, shard);
    if (fs.exists(finalTokens)) {
      fs.delete(temporaryTokens, false);
      fs.delete(temporaryRejects, false);
      return false;
    }
    Path finalRejects = committedRejects(output, shard);
    if (rejects.rows() > 0) {
      fs.mkdirs(finalRejects.getParent());
      fs.delete(finalRejects, false);
      rename(fs, temporaryRejects, finalRejects);
    } else {
      // No empty rejects files: a glob over the whole folder (DuckDB's tokens/**/*.parquet) would meet their
      // other schema in every table, not only in tables that have rejects.
      fs.delete(finalRejects, false);
      fs.delete(temporaryRejects, false);
    }
    if (!fs.rename(temporaryTokens, finalTokens)) {
      if (fs.exists(finalTokens)) {
        fs.delete(temporaryTokens, false);
        return false;
      }
      throw new IOException("Cannot rename " + temporaryTokens + " to " + finalTokens);
    }
    return true;
  }

  /** Removes this attempt's temporary files (after a failure). */
  public void abort() {
    try {
      closeWriters();
    } catch (IOException | RuntimeException e) {
      // the files are discarded anyway
    }
    try {
      FileSystem fs = output.getFileSystem(conf);
      fs.delete(temporaryTokens, false);
      fs.delete(temporaryRejects, false);
    } catch (IOException e) {
      // temporary files live under _temporary/, which readers skip and a finished run deletes
    }
  }

  @Override
  public void close() {
    if (!closed) {
      abort();
    }
  }

  private void closeWriters() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      tokens.close();
    } finally {
      rejects.close();
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("Cannot rename " + from + " to " + to);
    }
  }
}

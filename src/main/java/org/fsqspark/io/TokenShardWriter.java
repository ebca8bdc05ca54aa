package org.fsqspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.RejectStage;

/**
 * The two files of one tokenized shard: its token rows (the table's columns, then the passthrough columns, the
 * manifest in the footer) and its reject rows (a file only when there are any). The caller chooses where they go (staged temporary files) and
 * commits them once this writer is closed.
 */
public final class TokenShardWriter implements Closeable {
  private final ParquetRowWriter tokens;
  private final RejectsFile rejects;
  private boolean closed;

  public TokenShardWriter(Configuration conf, Path tokensFile, Path rejectsFile, List<Column> passthrough,
      Map<String, String> footer) throws IOException {
    List<Column> columns = new ArrayList<>(TokenTable.COLUMNS);
    columns.addAll(passthrough);
    this.tokens = new ParquetRowWriter(conf, tokensFile, columns, footer);
    // Lazy: no empty rejects file when nothing was rejected; a glob over the whole folder (DuckDB's
    // tokens/**/*.parquet) would meet their other schema in every table, not only in tables that have rejects.
    this.rejects = RejectsFile.lazy(conf, rejectsFile);
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
  public void addReject(String id, String source, RejectStage stage, String error) throws IOException {
    rejects.add(id, source, stage, error);
  }

  public long tokenRows() {
    return tokens.rows();
  }

  public long rejectRows() {
    return rejects.rows();
  }

  /** Finishes both files (idempotent). */
  @Override
  public void close() throws IOException {
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
}

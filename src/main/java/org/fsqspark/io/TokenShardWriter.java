package org.fsqspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.RejectStage;
import org.fsqspark.contract.Variants;

/**
 * The two files of one tokenized shard: its token rows (the table's columns, then the passthrough columns, the
 * manifest in the footer) and its reject rows (a file only when there are any). The caller chooses where they go (staged temporary files) and
 * commits them once this writer is closed.
 */
public final class TokenShardWriter implements Closeable {
  private final ParquetRowWriter tokens;
  private final RejectsFile rejects;
  /** Whether rows carry the {@code variant} column (after width, before the passthrough columns). */
  private final boolean variants;
  private boolean closed;

  public TokenShardWriter(Configuration conf, Path tokensFile, Path rejectsFile, List<Column> passthrough,
      Map<String, String> footer) throws IOException {
    this(conf, tokensFile, rejectsFile, passthrough, footer, false);
  }

  /** A writer whose rows carry the {@code variant} column when {@code variants} is true. */
  public TokenShardWriter(Configuration conf, Path tokensFile, Path rejectsFile, List<Column> passthrough,
      Map<String, String> footer, boolean variants) throws IOException {
    List<Column> columns = new ArrayList<>(TokenTable.COLUMNS);
    if (variants) {
      columns.add(TokenTable.VARIANT_COLUMN);
    }
    columns.addAll(passthrough);
    this.variants = variants;
    this.tokens = new ParquetRowWriter(conf, tokensFile, columns, footer);
    // Lazy: no empty rejects file when nothing was rejected; a glob over the whole folder (DuckDB's
    // tokens/**/*.parquet) would meet their other schema in every table, not only in tables that have rejects.
    this.rejects = RejectsFile.lazy(conf, rejectsFile);
  }

  /** Writes a token row: id, tokens, grid_h, grid_w, height, width, then the passthrough values. */
  public void addTokens(String id, int[] indices, int gridHeight, int gridWidth, int height, int width,
      Object[] passthrough) throws IOException {
    addTokens(id, Variants.ORIGINAL, indices, gridHeight, gridWidth, height, width, passthrough);
  }

  /** Writes a token row of one variant; {@code variant} is written only by a writer made with variants. */
  public void addTokens(String id, String variant, int[] indices, int gridHeight, int gridWidth, int height,
      int width, Object[] passthrough) throws IOException {
    int own = TokenTable.COLUMNS.size() + (variants ? 1 : 0);
    Object[] row = new Object[own + passthrough.length];
    row[0] = id;
    row[1] = indices;
    row[2] = gridHeight;
    row[3] = gridWidth;
    row[4] = height;
    row[5] = width;
    if (variants) {
      row[TokenTable.COLUMNS.size()] = variant;
    }
    System.arraycopy(passthrough, 0, row, own, passthrough.length);
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

package org.fsqspark.io.export;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.io.Column;
import org.fsqspark.io.ColumnType;
import org.fsqspark.io.LocalFiles;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.TokenTable;

/**
 * Writes one output shard of an export from its rows in shuffled order and commits it ({@link ShardFiles}):
 * a Parquet file of the token table's columns and the label, a {@code bin} shard (tokens, index, ids), or a
 * rejects file. A shard an earlier run committed is kept and not written again.
 */
public final class ShardWriter {
  /** Footer key of the export's own facts (split, seed, share) in its Parquet files. */
  public static final String EXPORT_KEY = "fsq.export";
  private static final Gson IDS = new GsonBuilder().disableHtmlEscaping().create();
  private static final int BUFFER_BYTES = 1 << 16;

  private ShardWriter() {}

  /**
   * Writes partition {@code partition} of {@code plan}'s layout from {@code rows} (in rank order) and commits
   * it; {@code attempt} names this try's temporary folder.
   */
  public static ExportedShard write(Configuration conf, Path output, ExportPlan plan, int partition, String attempt,
      Iterator<ExportRow> rows) throws IOException {
    ExportLayout layout = plan.layout();
    Split split = layout.splitOfPartition(partition);
    int file = partition - layout.firstPartition(split);
    ShardFiles files = new ShardFiles(output, split, file, plan.settings().format());
    FileSystem fs = output.getFileSystem(conf);
    long expected = layout.rowsInFile(split, file);
    if (files.committed(fs)) {
      return new ExportedShard(split, file, expected, files.names(), files.sizes(fs), true);
    }
    Path temporary = new Path(new Path(output, ShardFiles.TEMPORARY), attempt);
    try {
      long written;
      if (split == Split.REJECTS) {
        written = writeRejects(conf, files, attempt, rows);
      } else if (plan.settings().format() == ExportFormat.PARQUET) {
        written = writeParquet(conf, files, attempt, plan, rows);
      } else {
        written = writeBin(conf, files, attempt, plan, rows);
      }
      if (written != expected) {
        throw new IllegalStateException("Shard " + files.mainName() + " received " + written + " rows; the layout"
            + " gives it " + expected + " (the table changed while it was exported?)");
      }
      files.commit(fs, attempt);
    } finally {
      fs.delete(temporary, true);
    }
    return new ExportedShard(split, file, expected, files.names(), files.sizes(fs), false);
  }

  /** The Parquet columns of an export: the token table's own, then the label as int64. */
  public static List<Column> parquetColumns(String labelColumn) {
    return parquetColumns(labelColumn, false);
  }

  /** The Parquet columns of an export: the token table's own, the variant when {@code variants}, the label. */
  public static List<Column> parquetColumns(String labelColumn, boolean variants) {
    List<Column> columns = new ArrayList<>(TokenTable.COLUMNS);
    if (variants) {
      columns.add(TokenTable.VARIANT_COLUMN);
    }
    if (labelColumn != null) {
      columns.add(Column.optional(labelColumn, ColumnType.LONG));
    }
    return columns;
  }

  private static long writeParquet(Configuration conf, ShardFiles files, String attempt, ExportPlan plan,
      Iterator<ExportRow> rows) throws IOException {
    String label = plan.labelColumn();
    List<Column> passthrough = label == null ? List.of() : List.of(Column.optional(label, ColumnType.LONG));
    Map<String, String> footer = new LinkedHashMap<>(TokenTable.footer(plan.manifest(), passthrough, plan.variants()));
    footer.put(HuggingFaceFeatures.KEY, HuggingFaceFeatures.of(label, plan.classes(), !plan.variants().isNone()));
    footer.put(EXPORT_KEY, exportFacts(plan, files.split()));
    Path target = files.temporary(attempt, files.mainName());
    boolean variants = !plan.variants().isNone();
    try (ParquetRowWriter writer = new ParquetRowWriter(conf, target, parquetColumns(label, variants), footer)) {
      int own = variants ? 7 : 6;
      Object[] values = new Object[label == null ? own : own + 1];
      while (rows.hasNext()) {
        ExportRow row = rows.next();
        values[0] = row.id();
        values[1] = row.tokens();
        values[2] = row.gridHeight();
        values[3] = row.gridWidth();
        values[4] = row.height();
        values[5] = row.width();
        if (variants) {
          values[6] = row.variant();
        }
        if (label != null) {
          values[own] = row.label();
        }
        writer.write(values);
      }
      return writer.rows();
    }
  }

  private static long writeRejects(Configuration conf, ShardFiles files, String attempt, Iterator<ExportRow> rows)
      throws IOException {
    Path target = files.temporary(attempt, files.mainName());
    try (ParquetRowWriter writer = new ParquetRowWriter(conf, target, TokenTable.REJECT_COLUMNS, Map.of())) {
      while (rows.hasNext()) {
        ExportRow row = rows.next();
        writer.write(new Object[] {row.id(), row.source(), "export", row.problem()});
      }
      return writer.rows();
    }
  }

  private static long writeBin(Configuration conf, ShardFiles files, String attempt, ExportPlan plan,
      Iterator<ExportRow> rows) throws IOException {
    List<String> names = files.names();
    TokenDtype dtype = plan.dtype();
    int codebookSize = plan.codebookSize();
    boolean prefix = plan.settings().prefixLabel();
    List<String> variants = plan.variants().isNone() ? null : plan.variants().names();
    NpyIndex index = new NpyIndex(variants != null);
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    long offset = 0;
    try (OutputStream tokens = open(conf, files.temporary(attempt, names.get(2)));
        Writer ids = new java.io.OutputStreamWriter(open(conf, files.temporary(attempt, names.get(0))),
            StandardCharsets.UTF_8)) {
      while (rows.hasNext()) {
        ExportRow row = rows.next();
        index.add(offset, row.gridHeight(), row.gridWidth(), row.label() == null ? -1 : row.label(),
            variants == null ? 0 : variantIndex(variants, row));
        if (prefix) {
          put(buffer, tokens, dtype, codebookSize + row.label());
          offset++;
        }
        for (int token : row.tokens()) {
          put(buffer, tokens, dtype, token);
        }
        offset += row.tokens().length;
        ids.write(IDS.toJson(row.id()));
        ids.write('\n');
      }
      tokens.write(buffer.array(), 0, buffer.position());
    }
    try (OutputStream out = open(conf, files.temporary(attempt, names.get(1)))) {
      index.writeTo(out);
    }
    return index.rows();
  }

  private static int variantIndex(List<String> variants, ExportRow row) {
    int index = variants.indexOf(row.variant());
    if (index < 0) {
      throw new org.fsqspark.error.BadDataException("Row " + row.id() + " of " + row.source() + " is variant '"
          + row.variant() + "', which its footer's variants " + variants + " do not name; the table is damaged");
    }
    return index;
  }

  private static void put(ByteBuffer buffer, OutputStream out, TokenDtype dtype, long value) throws IOException {
    if (buffer.remaining() < 4) {
      out.write(buffer.array(), 0, buffer.position());
      buffer.clear();
    }
    if (dtype == TokenDtype.UINT16) {
      buffer.putShort((short) value);
    } else {
      buffer.putInt((int) value);
    }
  }

  private static OutputStream open(Configuration conf, Path file) throws IOException {
    java.nio.file.Path local = LocalFiles.localPath(file, conf);
    if (local != null) {
      Files.createDirectories(local.getParent());
      return new BufferedOutputStream(Files.newOutputStream(local), BUFFER_BYTES);
    }
    return new BufferedOutputStream(file.getFileSystem(conf).create(file, true), BUFFER_BYTES);
  }

  private static String exportFacts(ExportPlan plan, Split split) {
    com.google.gson.JsonObject facts = new com.google.gson.JsonObject();
    facts.addProperty("split", split.folder());
    facts.addProperty("seed", plan.settings().seed());
    facts.addProperty("validation_share", plan.settings().validationShare());
    facts.addProperty("split_rule", SPLIT_RULE);
    return facts.toString();
  }

  /** How a row's split is decided, in words a reader can reproduce. */
  public static final String SPLIT_RULE = "validation when (int.from_bytes(hashlib.sha256(id.encode('utf-8'))"
      + ".digest()[:8], 'big') >> 11) / 2**53 < validation_share, else train";
}

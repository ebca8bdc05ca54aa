package org.fsqspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.fsqspark.error.BadDataException;

/**
 * The rows of one part file of a token table, without Spark: id, tokens and grid shape, read as they are
 * (nulls included) so that a reader can set a damaged row aside with the reason instead of failing on it.
 * Lists in the standard three-level layout (as Spark, DuckDB, pyarrow and fsq write them) or the legacy
 * two-level one.
 */
public final class TokenPartReader implements Iterator<TokenPartReader.Row>, Closeable {
  private static final List<String> COLUMNS = List.of(TokenTable.ID, TokenTable.TOKENS, TokenTable.GRID_H,
      TokenTable.GRID_W);

  /** One row; any value may be null, and so may any token. */
  public record Row(String id, List<Integer> tokens, Integer gridHeight, Integer gridWidth) {}

  private final Path file;
  private final ParquetReader<Group> reader;
  private Group next;

  private TokenPartReader(Path file, ParquetReader<Group> reader) {
    this.file = file;
    this.reader = reader;
  }

  /** Opens a part file, reading only the token table's id, tokens and grid columns. */
  public static TokenPartReader open(Configuration conf, Path file) throws IOException {
    MessageType schema;
    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      schema = footer.getFooter().getFileMetaData().getSchema();
    }
    List<Type> projected = new ArrayList<>();
    for (String column : COLUMNS) {
      if (!schema.containsField(column)) {
        throw new BadDataException("Part file " + file + " is not a token table: column '" + column + "' is missing");
      }
      projected.add(schema.getType(column));
    }
    Configuration projection = new Configuration(conf);
    projection.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(schema.getName(), projected).toString());
    return new TokenPartReader(file, ParquetReader.builder(new GroupReadSupport(), file).withConf(projection).build());
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = reader.read();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return next != null;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Group group = next;
    next = null;
    return new Row(present(group, TokenTable.ID) ? group.getString(TokenTable.ID, 0) : null, tokens(group),
        present(group, TokenTable.GRID_H) ? group.getInteger(TokenTable.GRID_H, 0) : null,
        present(group, TokenTable.GRID_W) ? group.getInteger(TokenTable.GRID_W, 0) : null);
  }

  private static boolean present(Group group, String field) {
    return group.getFieldRepetitionCount(field) > 0;
  }

  /** A three-level LIST (any names) or a bare repeated int32; null for a null list. */
  private static List<Integer> tokens(Group group) {
    if (!present(group, TokenTable.TOKENS)) {
      return null;
    }
    Group list = group.getGroup(TokenTable.TOKENS, 0);
    boolean bare = list.getType().getType(0).isPrimitive();
    int count = list.getFieldRepetitionCount(0);
    List<Integer> tokens = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (bare) {
        tokens.add(list.getInteger(0, i));
      } else {
        Group element = list.getGroup(0, i);
        tokens.add(element.getFieldRepetitionCount(0) == 0 ? null : element.getInteger(0, 0));
      }
    }
    return tokens;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}

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
import org.fsqspark.error.BadInputException;

/**
 * The rows of one part file of a token table, without Spark: id, tokens and grid shape, read as they are
 * (nulls included) so that a reader can set a damaged row aside with the reason instead of failing on it.
 * Lists in the standard three-level layout (as Spark, DuckDB, pyarrow and fsq write them) or the legacy
 * two-level one.
 */
public final class TokenPartReader implements Iterator<TokenPartReader.Row>, Closeable {
  private static final List<String> COLUMNS = List.of(TokenTable.ID, TokenTable.TOKENS, TokenTable.GRID_H,
      TokenTable.GRID_W);

  /**
   * One row; any value may be null, and so may any token.
   *
   * @param passthrough the requested extra columns' values in the order asked for (null where the row has none)
   */
  public record Row(String id, List<Integer> tokens, Integer gridHeight, Integer gridWidth, Object[] passthrough) {
    /** The row as a training job reads it; a missing id, null tokens or a null token mean a damaged table. */
    public TokenRow strict(Path file) {
      if (id == null) {
        throw new TokenTableReader.DamagedRowException(null, "A row of " + file + " has no id; the table is damaged");
      }
      if (tokens == null) {
        throw new TokenTableReader.DamagedRowException(id, "Row " + id + " of " + file + " has null tokens; the table is damaged");
      }
      int[] values = new int[tokens.size()];
      for (int i = 0; i < values.length; i++) {
        Integer token = tokens.get(i);
        if (token == null) {
          throw new TokenTableReader.DamagedRowException(id, "Row " + id + " of " + file + " holds a null token; the table is damaged");
        }
        values[i] = token;
      }
      return new TokenRow(id, values, gridHeight == null ? -1 : gridHeight, gridWidth == null ? -1 : gridWidth,
          passthrough);
    }
  }

  private final Path file;
  private final ParquetReader<Group> reader;
  private final List<String> passthrough;
  private Group next;

  private TokenPartReader(Path file, ParquetReader<Group> reader, List<String> passthrough) {
    this.file = file;
    this.reader = reader;
    this.passthrough = passthrough;
  }

  /** Opens a part file, reading only the token table's id, tokens and grid columns. */
  public static TokenPartReader open(Configuration conf, Path file) throws IOException {
    return open(conf, file, List.of());
  }

  /** Opens a part file, reading the token table's columns and the primitive columns named in {@code passthrough}. */
  public static TokenPartReader open(Configuration conf, Path file, List<String> passthrough) throws IOException {
    MessageType schema;
    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      schema = footer.getFooter().getFileMetaData().getSchema();
    }
    List<Type> projected = new ArrayList<>();
    for (String column : COLUMNS) {
      if (!schema.containsField(column)) {
        throw new BadDataException("Part file " + file + " is not a token table: column '" + column + "' is missing"
            + " (found " + schema.getFields().stream().map(Type::getName).toList() + ")");
      }
      projected.add(schema.getType(column));
    }
    for (String name : passthrough) {
      if (!schema.containsField(name)) {
        throw new BadInputException("Column '" + name + "' is not in " + file + "; it has "
            + schema.getFields().stream().map(Type::getName).toList());
      }
      if (!schema.getType(name).isPrimitive()) {
        throw new BadInputException("Column '" + name + "' of " + file + " is not a primitive column");
      }
      projected.add(schema.getType(name));
    }
    Configuration projection = new Configuration(conf);
    projection.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(schema.getName(), projected).toString());
    return new TokenPartReader(file, ParquetReader.builder(new GroupReadSupport(), file).withConf(projection).build(),
        List.copyOf(passthrough));
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
        present(group, TokenTable.GRID_W) ? group.getInteger(TokenTable.GRID_W, 0) : null, extra(group));
  }

  private Object[] extra(Group group) {
    Object[] values = new Object[passthrough.size()];
    for (int i = 0; i < values.length; i++) {
      String name = passthrough.get(i);
      values[i] = present(group, name) ? ParquetShardReader.valueOf(group, name) : null;
    }
    return values;
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

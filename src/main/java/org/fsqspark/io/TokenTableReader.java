package org.fsqspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.fsqspark.model.TokenizerManifest;

/**
 * Reads the rows of a token table (the part files of {@code fsq tokenize}, or any Parquet files with its
 * columns) without Spark, as a training job does: the tokenizer manifest verified across every part's
 * footer, rows streamed file by file with only the needed columns, a deterministic train/validation split
 * by a hash of {@code id} ({@link IdSplit}), and epochs shuffled with a seed through a bounded buffer, so a
 * table larger than memory is never held in it.
 */
public final class TokenTableReader {
  private final Configuration conf;
  private final String table;
  private final List<Path> files;
  private final TokenizerManifest manifest;
  private final long rows;

  private TokenTableReader(Configuration conf, String table, List<Path> files, TokenizerManifest manifest, long rows) {
    this.conf = conf;
    this.table = table;
    this.files = files;
    this.manifest = manifest;
    this.rows = rows;
  }

  /**
   * Opens a table folder (or one Parquet file): lists its part files ({@code *.parquet}, skipping names that
   * start with {@code _} or {@code .}), reads every footer and checks that they carry one manifest.
   */
  public static TokenTableReader open(Configuration conf, String table) {
    Path root = new Path(table);
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new IllegalArgumentException("Token table " + table + " does not exist; pass the --output folder of"
            + " fsq tokenize");
      }
      List<Path> files = new ArrayList<>();
      if (fs.getFileStatus(root).isFile()) {
        files.add(root);
      } else {
        for (FileStatus status : fs.listStatus(root)) {
          String name = status.getPath().getName();
          if (status.isFile() && name.endsWith(".parquet") && !name.startsWith("_") && !name.startsWith(".")) {
            files.add(status.getPath());
          }
        }
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("Token table " + table + " has no part files (*.parquet)");
      }
      Collections.sort(files);
      long rows = 0;
      TokenizerManifest manifest = null;
      Path manifestSource = null;
      for (Path file : files) {
        ParquetMetadata footer;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
          footer = reader.getFooter();
          rows += reader.getRecordCount();
        } catch (IOException | RuntimeException e) {
          throw new IllegalArgumentException("Part file " + file + " of " + table + " is not readable Parquet: "
              + e.getMessage(), e);
        }
        checkSchema(footer.getFileMetaData().getSchema(), file);
        // TODO(issue 10 item 4): use TokenTable's footer verification once it is on main.
        String json = manifestJson(footer.getFileMetaData().getKeyValueMetaData());
        if (json == null) {
          throw new IllegalArgumentException("Part file " + file + " carries no tokenizer manifest in its footer (key "
              + TokenTable.MANIFEST_KEY + "); it was not written by fsq tokenize");
        }
        TokenizerManifest partManifest = TokenizerManifest.fromJson(json, file + " (footer)");
        if (manifest == null) {
          manifest = partManifest;
          manifestSource = file;
        } else if (!manifest.equals(partManifest)) {
          throw new IllegalArgumentException("Token table " + table + " mixes tokenizers: " + manifestSource.getName()
              + " was made by " + describe(manifest) + ", " + file.getName() + " by " + describe(partManifest));
        }
      }
      Path sideFile = new Path(root, TokenTable.MANIFEST_FILE);
      if (!fs.getFileStatus(root).isFile() && fs.exists(sideFile)) {
        String text;
        try (FSDataInputStream in = fs.open(sideFile)) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TokenizerManifest side = TokenizerManifest.fromJson(text, sideFile.toString());
        if (!side.equals(manifest)) {
          throw new IllegalArgumentException(sideFile + " (" + describe(side) + ") disagrees with the footer of "
              + manifestSource.getName() + " (" + describe(manifest) + "); the table was changed by hand");
        }
      }
      return new TokenTableReader(conf, table, List.copyOf(files), manifest, rows);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read token table " + table + ": " + e.getMessage(), e);
    }
  }

  private static String describe(TokenizerManifest manifest) {
    return manifest.name() + " " + manifest.version() + " levels " + manifest.levels()
        + (manifest.sha256() == null ? "" : " sha256 " + manifest.sha256().substring(0, 12));
  }

  private static void checkSchema(MessageType schema, Path file) {
    for (String column : List.of(TokenTable.ID, TokenTable.TOKENS, TokenTable.GRID_H, TokenTable.GRID_W)) {
      if (!schema.containsField(column)) {
        throw new IllegalArgumentException("Part file " + file + " is not a token table: column '" + column
            + "' is missing (found " + schema.getFields().stream().map(Type::getName).toList() + ")");
      }
    }
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
    return rows;
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
    private ParquetReader<Group> reader;
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
            reader = openReader(current, passthrough);
          }
          Group group = reader.read();
          if (group != null) {
            return rowOf(group, current, passthrough);
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

  private ParquetReader<Group> openReader(Path file, List<String> passthrough) throws IOException {
    MessageType schema;
    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      schema = footer.getFooter().getFileMetaData().getSchema();
    }
    List<Type> projected = new ArrayList<>();
    for (String name : List.of(TokenTable.ID, TokenTable.TOKENS, TokenTable.GRID_H, TokenTable.GRID_W)) {
      projected.add(schema.getType(name));
    }
    for (String name : passthrough) {
      if (!schema.containsField(name)) {
        throw new IllegalArgumentException("Column '" + name + "' is not in " + file + "; it has "
            + schema.getFields().stream().map(Type::getName).toList());
      }
      Type type = schema.getType(name);
      if (!type.isPrimitive()) {
        throw new IllegalArgumentException("Column '" + name + "' of " + file + " is not a primitive column");
      }
      projected.add(type);
    }
    Configuration readConf = new Configuration(conf);
    readConf.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(schema.getName(), projected).toString());
    return ParquetReader.builder(new GroupReadSupport(), file).withConf(readConf).build();
  }

  private static TokenRow rowOf(Group group, Path file, List<String> passthrough) {
    if (group.getFieldRepetitionCount(TokenTable.ID) == 0) {
      throw new IllegalArgumentException("A row of " + file + " has no id; the table is damaged");
    }
    String id = group.getString(TokenTable.ID, 0);
    int[] tokens = tokensOf(group, id, file);
    int height = group.getFieldRepetitionCount(TokenTable.GRID_H) == 0 ? -1 : group.getInteger(TokenTable.GRID_H, 0);
    int width = group.getFieldRepetitionCount(TokenTable.GRID_W) == 0 ? -1 : group.getInteger(TokenTable.GRID_W, 0);
    Object[] values = new Object[passthrough.size()];
    for (int i = 0; i < values.length; i++) {
      String name = passthrough.get(i);
      values[i] = group.getFieldRepetitionCount(name) == 0 ? null : valueOf(group, name);
    }
    return new TokenRow(id, tokens, height, width, values);
  }

  /** A three-level LIST (any names), or a bare repeated int32; nulls inside the list are an error. */
  private static int[] tokensOf(Group group, String id, Path file) {
    if (group.getFieldRepetitionCount(TokenTable.TOKENS) == 0) {
      throw new IllegalArgumentException("Row " + id + " of " + file + " has null tokens; the table is damaged");
    }
    GroupType listType = group.getType().getType(TokenTable.TOKENS).asGroupType();
    Group list = group.getGroup(TokenTable.TOKENS, 0);
    Type repeated = listType.getType(0);
    int count = list.getFieldRepetitionCount(0);
    int[] tokens = new int[count];
    for (int i = 0; i < count; i++) {
      if (repeated.isPrimitive()) {
        tokens[i] = list.getInteger(0, i);
      } else {
        Group element = list.getGroup(0, i);
        if (element.getFieldRepetitionCount(0) == 0) {
          throw new IllegalArgumentException("Row " + id + " of " + file + " holds a null token; the table is damaged");
        }
        tokens[i] = element.getInteger(0, 0);
      }
    }
    return tokens;
  }

  private static Object valueOf(Group group, String name) {
    PrimitiveType primitive = group.getType().getType(name).asPrimitiveType();
    return switch (primitive.getPrimitiveTypeName()) {
      case INT32 -> group.getInteger(name, 0);
      case INT64 -> group.getLong(name, 0);
      case FLOAT -> group.getFloat(name, 0);
      case DOUBLE -> group.getDouble(name, 0);
      case BOOLEAN -> group.getBoolean(name, 0);
      case BINARY, FIXED_LEN_BYTE_ARRAY -> primitive.getLogicalTypeAnnotation() != null
          ? group.getString(name, 0) : group.getBinary(name, 0).getBytes();
      default -> group.getValueToString(group.getType().getFieldIndex(name), 0);
    };
  }

  /** The manifest JSON of a footer: its own key, else the field metadata of {@code tokens} in Spark's schema. */
  private static String manifestJson(Map<String, String> footer) {
    String json = footer.get(TokenTable.MANIFEST_KEY);
    if (json != null) {
      return json;
    }
    String sparkSchema = footer.get(TokenTable.SPARK_ROW_METADATA);
    if (sparkSchema == null) {
      return null;
    }
    try {
      for (com.google.gson.JsonElement field : com.google.gson.JsonParser.parseString(sparkSchema).getAsJsonObject()
          .getAsJsonArray("fields")) {
        com.google.gson.JsonObject object = field.getAsJsonObject();
        if (TokenTable.TOKENS.equals(object.get("name").getAsString()) && object.has("metadata")
            && object.getAsJsonObject("metadata").has(TokenTable.MANIFEST_KEY)) {
          return object.getAsJsonObject("metadata").get(TokenTable.MANIFEST_KEY).getAsString();
        }
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
  }
}

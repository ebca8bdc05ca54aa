package org.fsqspark.io;

import java.io.IOException;
import java.util.ArrayList;
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
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Rows of one Parquet file with an image column that is {@code struct<bytes: binary, path: string>}
 * (Hugging Face datasets) or plain binary. Only the needed columns are read. Ids come from
 * {@code --id-column}, else {@code <file name>#<row index>}, which is stable for an unchanged file.
 */
final class ParquetShardReader implements ShardReader {
  private final ReadOptions options;
  private final String fileName;
  private final String source;
  private final ParquetReader<Group> reader;
  private final boolean imageIsStruct;
  private Group pending;
  private long row;
  private boolean done;
  private String brokenReason;

  ParquetShardReader(Shard shard, Configuration conf, ReadOptions options) throws IOException {
    this.options = options;
    this.source = shard.files().get(0).path();
    Path path = FileNames.hadoopPath(source);
    this.fileName = source.substring(source.lastIndexOf('/') + 1);
    MessageType fileSchema;
    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
      fileSchema = footer.getFooter().getFileMetaData().getSchema();
    } catch (IOException | RuntimeException e) {
      if (StorageFailures.isTransient(e)) {
        throw e;
      }
      // Not a Parquet file, or a broken footer: one reject for the whole file, the rest of the job goes on.
      this.reader = null;
      this.imageIsStruct = false;
      this.brokenReason = "Parquet file " + source + " cannot be read: " + e.getMessage();
      this.done = true;
      return;
    }
    String problem = ParquetInputSchema.imageColumnProblem(fileSchema, options.imageColumn());
    if (problem == null && options.idColumn() != null) {
      problem = ParquetInputSchema.idColumnProblem(fileSchema, options.idColumn());
    }
    if (problem != null) {
      // The driver checked the first readable file; this one differs, so it is one reject, not a task failure.
      this.reader = null;
      this.imageIsStruct = false;
      this.brokenReason = "Parquet file " + source + " " + problem;
      this.done = true;
      return;
    }
    Type image = fileSchema.getType(options.imageColumn());
    this.imageIsStruct = !image.isPrimitive();
    List<Type> projected = new ArrayList<>();
    projected.add(image);
    if (options.idColumn() != null) {
      projected.add(fileSchema.getType(options.idColumn()));
    }
    for (Column column : options.passthrough()) {
      Type type = field(fileSchema, column.name(), "--keep");
      if (projected.stream().noneMatch(t -> t.getName().equals(type.getName()))) {
        projected.add(type);
      }
    }
    Configuration readConf = new Configuration(conf);
    readConf.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(fileSchema.getName(), projected).toString());
    this.reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(readConf).build();
  }

  @Override
  public boolean hasNext() {
    if (pending == null && !done) {
      try {
        pending = reader.read();
      } catch (IOException | RuntimeException e) {
        if (StorageFailures.isTransient(e)) {
          throw new java.io.UncheckedIOException("Reading " + source + " failed after row " + row + ": "
              + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
        }
        // A corrupt page: the rows before it are kept, the rest of the file becomes one reject.
        brokenReason = "Parquet file " + source + " breaks off after row " + row + ": " + e.getMessage();
      }
      done = pending == null;
    }
    return pending != null || brokenReason != null;
  }

  @Override
  public InputRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (pending == null) {
      String reason = brokenReason;
      brokenReason = null;
      return new InputRecord(fileName + "#unreadable", source, InputRecord.unreadable(reason),
          new Object[options.passthrough().size()]);
    }
    Group group = pending;
    pending = null;
    long index = row++;
    String id = null;
    if (options.idColumn() != null && group.getFieldRepetitionCount(options.idColumn()) > 0) {
      id = valueOf(group, options.idColumn()).toString();
    }
    if (id == null) {
      id = fileName + "#" + index;
    }
    Object[] passthrough = new Object[options.passthrough().size()];
    for (int i = 0; i < passthrough.length; i++) {
      String name = options.passthrough().get(i).name();
      passthrough[i] = group.getFieldRepetitionCount(name) == 0 ? null : valueOf(group, name);
    }
    return new InputRecord(id, source + "#" + index, imageBytes(group), passthrough);
  }

  private InputRecord.Bytes imageBytes(Group group) {
    String column = options.imageColumn();
    if (group.getFieldRepetitionCount(column) == 0) {
      return InputRecord.unreadable("image column '" + column + "' is null");
    }
    if (imageIsStruct) {
      Group struct = group.getGroup(column, 0);
      if (struct.getFieldRepetitionCount("bytes") == 0) {
        return InputRecord.unreadable("image column '" + column + "' has no bytes (only a path?)");
      }
      return checked(struct.getBinary("bytes", 0).getBytes());
    }
    return checked(group.getBinary(column, 0).getBytes());
  }

  private InputRecord.Bytes checked(byte[] bytes) {
    if (bytes.length > options.maxImageBytes()) {
      return InputRecord.unreadable("image of " + bytes.length + " bytes is larger than the "
          + options.maxImageBytes() + " bytes an encoded image may have");
    }
    return InputRecord.inMemory(bytes);
  }

  /** A primitive column's value as Integer, Long, Float, Double, Boolean, String (annotated binary) or byte[]. */
  static Object valueOf(Group group, String name) {
    Type type = group.getType().getType(name);
    PrimitiveType primitive = type.asPrimitiveType();
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

  private Type field(GroupType schema, String name, String option) throws IOException {
    if (!schema.containsField(name)) {
      throw new IOException("Column '" + name + "' (" + option + ") is not in " + source + "; it has "
          + schema.getFields().stream().map(Type::getName).toList());
    }
    return schema.getType(name);
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }
}

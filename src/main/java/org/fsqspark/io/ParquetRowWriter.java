package org.fsqspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes rows of {@link Column}s to one Parquet file with key-value metadata in the footer. Lists use the
 * standard three-level LIST layout that Spark, DuckDB and pyarrow all read. Used by executors to write a
 * shard's output directly, so each shard can be committed on its own.
 */
public final class ParquetRowWriter implements Closeable {
  private final ParquetWriter<Object[]> writer;
  private long rows;
  private boolean closed;

  public ParquetRowWriter(Configuration conf, Path file, List<Column> columns, Map<String, String> metadata)
      throws IOException {
    MessageType schema = schemaOf(columns);
    writer = new Builder(outputFile(file, conf), schema, columns, metadata)
        .withConf(conf)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build();
  }

  private static OutputFile outputFile(Path file, Configuration conf) throws IOException {
    java.nio.file.Path local = LocalFiles.localPath(file, conf);
    if (local != null) {
      Files.createDirectories(local.getParent());
      return new LocalOutputFile(local);
    }
    return HadoopOutputFile.fromPath(file, conf);
  }

  /** Writes one row; {@code values[i]} belongs to column i (String, Integer, Long, Float, Double, Boolean, byte[], int[]). */
  public void write(Object[] values) throws IOException {
    writer.write(values);
    rows++;
  }

  public long rows() {
    return rows;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      writer.close();
    }
  }

  /** The Parquet schema of these columns. */
  public static MessageType schemaOf(List<Column> columns) {
    List<Type> fields = new ArrayList<>();
    for (Column column : columns) {
      fields.add(typeOf(column));
    }
    return new MessageType("spark_schema", fields);
  }

  private static Type typeOf(Column column) {
    Type.Repetition repetition = column.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
    return switch (column.type()) {
      case STRING -> Types.primitive(PrimitiveTypeName.BINARY, repetition)
          .as(LogicalTypeAnnotation.stringType()).named(column.name());
      case INT -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(column.name());
      case LONG -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(column.name());
      case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(column.name());
      case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(column.name());
      case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(column.name());
      case BINARY -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(column.name());
      case INT_LIST -> Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType())
          .repeatedGroup().required(PrimitiveTypeName.INT32).named("element").named("list")
          .named(column.name());
    };
  }

  private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
    private final MessageType schema;
    private final List<Column> columns;
    private final Map<String, String> metadata;

    Builder(OutputFile file, MessageType schema, List<Column> columns, Map<String, String> metadata) {
      super(file);
      this.schema = schema;
      this.columns = columns;
      this.metadata = metadata;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(schema, columns, metadata);
    }
  }

  private static final class RowWriteSupport extends WriteSupport<Object[]> {
    private final MessageType schema;
    private final List<Column> columns;
    private final Map<String, String> metadata;
    private RecordConsumer consumer;

    RowWriteSupport(MessageType schema, List<Column> columns, Map<String, String> metadata) {
      this.schema = schema;
      this.columns = columns;
      this.metadata = metadata;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, new HashMap<>(metadata));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Object[] values) {
      consumer.startMessage();
      for (int i = 0; i < columns.size(); i++) {
        Column column = columns.get(i);
        Object value = values[i];
        if (value == null) {
          if (!column.nullable()) {
            throw new IllegalArgumentException("Column " + column.name() + " is required but the value is null");
          }
          continue;
        }
        consumer.startField(column.name(), i);
        writeValue(column, value);
        consumer.endField(column.name(), i);
      }
      consumer.endMessage();
    }

    private void writeValue(Column column, Object value) {
      switch (column.type()) {
        case STRING -> consumer.addBinary(Binary.fromString((String) value));
        case INT -> consumer.addInteger(((Number) value).intValue());
        case LONG -> consumer.addLong(((Number) value).longValue());
        case FLOAT -> consumer.addFloat(((Number) value).floatValue());
        case DOUBLE -> consumer.addDouble(((Number) value).doubleValue());
        case BOOLEAN -> consumer.addBoolean((Boolean) value);
        case BINARY -> consumer.addBinary(Binary.fromConstantByteArray((byte[]) value));
        case INT_LIST -> {
          int[] list = (int[]) value;
          consumer.startGroup();
          if (list.length > 0) {
            consumer.startField("list", 0);
            for (int element : list) {
              consumer.startGroup();
              consumer.startField("element", 0);
              consumer.addInteger(element);
              consumer.endField("element", 0);
              consumer.endGroup();
            }
            consumer.endField("list", 0);
          }
          consumer.endGroup();
        }
      }
    }
  }
}

package org.fsqspark.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.fsqspark.error.BadInputException;

/**
 * Resolves, on the driver and before any work starts, which input columns are copied into the token table
 * and with which types, and checks that the image and id columns exist.
 */
public final class Passthrough {
  /** WebDataset entries that can be passed through, with their column types. */
  public static final List<Column> WDS_COLUMNS = List.of(
      Column.optional("cls", ColumnType.LONG), Column.optional("txt", ColumnType.STRING),
      Column.optional("json", ColumnType.STRING));

  private static final int WDS_PEEK_ENTRIES = 200;

  private Passthrough() {}

  /** The passthrough columns for this input; {@code keep} is null when the user chose none. */
  public static List<Column> resolve(Configuration conf, ShardPlan plan, List<String> keep, String imageColumn,
      String idColumn) {
    List<Column> columns = switch (plan.listing().format()) {
      case FOLDER -> {
        if (keep != null && !keep.isEmpty()) {
          throw new BadInputException("--keep needs Parquet or WebDataset input; image folders have no columns");
        }
        yield List.of();
      }
      case PARQUET -> parquetColumns(readableSchema(conf, plan), keep, imageColumn, idColumn);
      case WDS -> wdsColumns(conf, plan.shards().get(0).files().get(0).path(), keep);
    };
    for (Column column : columns) {
      // 'variant' too: readers take a column of that name for the rows' augmentation variant.
      if (TokenTable.SCHEMA.getFieldIndex(column.name()).isDefined() || column.name().equals(TokenTable.VARIANT)) {
        throw new BadInputException("--keep " + column.name() + " clashes with the token table's own column '"
            + column.name() + "'");
      }
    }
    return columns;
  }

  /** A file and its schema. */
  private record Schema(String file, MessageType schema) {}

  /**
   * The schema of the first Parquet file whose footer reads: a corrupt file becomes a reject when its shard
   * runs, so it must not stop the job here. A storage failure still fails at once.
   */
  private static Schema readableSchema(Configuration conf, ShardPlan plan) {
    RuntimeException first = null;
    for (Shard shard : plan.shards()) {
      String file = shard.files().get(0).path();
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(FileNames.hadoopPath(file), conf))) {
        return new Schema(file, reader.getFooter().getFileMetaData().getSchema());
      } catch (IOException | RuntimeException e) {
        if (StorageFailures.isTransient(e)) {
          throw new UncheckedIOException("Cannot read the schema of " + file + ": " + e.getMessage(),
              e instanceof IOException io ? io : new IOException(e));
        }
        if (first == null) {
          first = new BadInputException("No Parquet file of the input can be read; the first, " + file
              + ", fails with: " + e.getMessage(), e);
        }
      }
    }
    throw first;
  }

  private static List<Column> parquetColumns(Schema found, List<String> keep, String imageColumn, String idColumn) {
    String file = found.file();
    MessageType schema = found.schema();
    List<String> names = schema.getFields().stream().map(Type::getName).toList();
    String problem = ParquetInputSchema.imageColumnProblem(schema, imageColumn);
    if (problem == null && idColumn != null) {
      problem = ParquetInputSchema.idColumnProblem(schema, idColumn);
    }
    if (problem != null) {
      throw new BadInputException("Parquet input " + file + " " + problem);
    }
    List<Column> columns = new ArrayList<>();
    for (String name : keep == null ? List.<String>of() : keep) {
      if (!schema.containsField(name)) {
        throw new BadInputException("--keep " + name + " is not a column of " + file + " " + names);
      }
      Type type = schema.getType(name);
      if (!type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED)) {
        throw new BadInputException("--keep " + name + " is a nested or repeated column (" + type
            + "); only primitive columns (numbers, strings, booleans, binary) can be passed through");
      }
      columns.add(Column.optional(name, typeOf(type.asPrimitiveType(), name)));
    }
    return columns;
  }

  private static ColumnType typeOf(PrimitiveType type, String name) {
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    return switch (type.getPrimitiveTypeName()) {
      case INT32 -> {
        if (logical != null && !(logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation)) {
          throw unsupported(name, type);
        }
        yield ColumnType.INT;
      }
      case INT64 -> {
        if (logical != null && !(logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation)) {
          throw unsupported(name, type);
        }
        yield ColumnType.LONG;
      }
      case FLOAT -> ColumnType.FLOAT;
      case DOUBLE -> ColumnType.DOUBLE;
      case BOOLEAN -> ColumnType.BOOLEAN;
      case BINARY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
          || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
          || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation ? ColumnType.STRING : ColumnType.BINARY;
      default -> throw unsupported(name, type);
    };
  }

  private static BadInputException unsupported(String name, PrimitiveType type) {
    return new BadInputException("--keep " + name + " has type " + type + ", which is not passed through yet;"
        + " supported: int32, int64, float, double, boolean, string, binary");
  }

  private static List<Column> wdsColumns(Configuration conf, String tarFile, List<String> keep) {
    if (keep != null) {
      List<Column> columns = new ArrayList<>();
      for (String name : keep) {
        Column column = WDS_COLUMNS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
            new BadInputException("--keep " + name + " is not a WebDataset passthrough entry; supported: cls, "
                + "txt, json"));
        columns.add(column);
      }
      return columns;
    }
    Set<String> seen = new LinkedHashSet<>();
    Path path = FileNames.hadoopPath(tarFile);
    try (TarArchiveInputStream tar = new TarArchiveInputStream(path.getFileSystem(conf).open(path))) {
      TarArchiveEntry entry;
      int read = 0;
      while ((entry = tar.getNextEntry()) != null && read++ < WDS_PEEK_ENTRIES) {
        seen.add(TarShardReader.extensionOf(entry.getName()));
      }
    } catch (IOException e) {
      // An unreadable first tar becomes that shard's reject; passthrough then defaults to none.
      return List.of();
    }
    return WDS_COLUMNS.stream().filter(c -> seen.contains(c.name())).toList();
  }
}

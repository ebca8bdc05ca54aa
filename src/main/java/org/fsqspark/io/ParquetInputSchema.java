package org.fsqspark.io;

import java.util.stream.Collectors;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Which Parquet columns tokenize reads images and ids from. The driver asks about the first readable file
 * before anything is written; each shard asks again about its own file, so a file that differs becomes one
 * reject instead of a task failure.
 */
final class ParquetInputSchema {
  /** The image column types tokenize reads, for messages. */
  static final String IMAGE_TYPES = "struct<bytes: binary, path: string> (Hugging Face) or binary";
  /** The id column types tokenize reads, for messages. */
  static final String ID_TYPES = "string, int32 or int64";

  private ParquetInputSchema() {}

  /** Null when {@code column} holds encoded images tokenize can read, else what is wrong with it. */
  static String imageColumnProblem(GroupType schema, String column) {
    if (!schema.containsField(column)) {
      return "has no image column '" + column + "'; its columns are " + names(schema) + "; pass --image-column NAME";
    }
    Type type = schema.getType(column);
    boolean readable;
    if (type.isPrimitive()) {
      readable = isBytes(type);
    } else {
      GroupType group = type.asGroupType();
      readable = !type.isRepetition(Type.Repetition.REPEATED) && group.getLogicalTypeAnnotation() == null
          && group.containsField("bytes") && isBytes(group.getType("bytes"));
    }
    return readable ? null : "has image column '" + column + "' of type " + describe(type) + "; tokenize reads "
        + IMAGE_TYPES + "; pass --image-column NAME";
  }

  /** Null when {@code column} can give ids, else what is wrong with it. */
  static String idColumnProblem(GroupType schema, String column) {
    if (!schema.containsField(column)) {
      return "has no --id-column '" + column + "'; its columns are " + names(schema);
    }
    Type type = schema.getType(column);
    boolean readable = false;
    if (type.isPrimitive() && !type.isRepetition(Type.Repetition.REPEATED)) {
      LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
      readable = switch (type.asPrimitiveType().getPrimitiveTypeName()) {
        case INT32, INT64 -> logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation;
        case BINARY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation;
        default -> false;
      };
    }
    return readable ? null : "has --id-column '" + column + "' of type " + describe(type) + "; ids are read from "
        + ID_TYPES + " columns";
  }

  private static boolean isBytes(Type type) {
    return type.isPrimitive() && !type.isRepetition(Type.Repetition.REPEATED)
        && (type.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY
        || type.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);
  }

  /** A column type the way Arrow and Spark users write it: int32, string, list<binary>, struct<a: b>. */
  static String describe(Type type) {
    String text;
    if (type.isPrimitive()) {
      PrimitiveType primitive = type.asPrimitiveType();
      LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
      text = logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation ? "string"
          : (logical == null ? primitive.getPrimitiveTypeName().name() : logical.toString())
              .toLowerCase(java.util.Locale.ROOT);
    } else {
      GroupType group = type.asGroupType();
      if (group.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation
          && group.getFieldCount() == 1) {
        Type repeated = group.getType(0);
        Type element = repeated.isPrimitive() || repeated.asGroupType().getFieldCount() != 1 ? repeated
            : repeated.asGroupType().getType(0);
        text = "list<" + describe(element).replaceFirst("^repeated ", "") + ">";
      } else if (group.getLogicalTypeAnnotation() != null) {
        text = group.getLogicalTypeAnnotation().toString().toLowerCase(java.util.Locale.ROOT);
      } else {
        text = "struct<" + group.getFields().stream().map(f -> f.getName() + ": " + describe(f))
            .collect(Collectors.joining(", ")) + ">";
      }
    }
    return type.isRepetition(Type.Repetition.REPEATED) ? "repeated " + text : text;
  }

  private static java.util.List<String> names(GroupType schema) {
    return schema.getFields().stream().map(Type::getName).toList();
  }
}

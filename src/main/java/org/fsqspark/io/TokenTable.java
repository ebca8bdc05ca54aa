package org.fsqspark.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.contract.Variants;
import org.fsqspark.error.BadDataException;

/**
 * The token table contract: one row per tokenized image, readable by DuckDB, pyarrow and Hugging Face
 * datasets without this project. The manifest travels in every Parquet footer (key {@code fsq.tokenizer},
 * and as Spark field metadata of {@code tokens}) and in {@code _tokenizer.json} beside the part files;
 * {@link TableManifest} reads it back and checks that they agree.
 * Rejected inputs live in {@code _rejects/}, which Spark, pyarrow and DuckDB globs of {@code *.parquet} skip.
 */
public final class TokenTable {
  public static final String ID = "id";
  public static final String TOKENS = "tokens";
  public static final String GRID_H = "grid_h";
  public static final String GRID_W = "grid_w";
  public static final String HEIGHT = "height";
  public static final String WIDTH = "width";
  /**
   * Which augmentation variant a row holds ({@code --variants}), after {@code width}; only in tables tokenized
   * with variants. A table without it has one row per image, read as {@link Variants#ORIGINAL}.
   */
  public static final String VARIANT = "variant";
  /** The variant column. */
  public static final Column VARIANT_COLUMN = Column.required(VARIANT, ColumnType.STRING);
  /** Footer key of the variants' JSON ({@link Variants#toJson}) in tables tokenized with variants. */
  public static final String VARIANTS_KEY = "fsq.variants";

  /** Key of the manifest JSON in the field metadata of {@code tokens}. */
  public static final String MANIFEST_KEY = "fsq.tokenizer";
  /** Manifest file beside the part files. */
  public static final String MANIFEST_FILE = "_tokenizer.json";
  /** Rejects table folder inside the output. */
  public static final String REJECTS_DIR = "_rejects";
  /** Run summary written last. */
  public static final String JOB_FILE = "_job.json";
  /** Footer key under which Spark keeps its schema, field metadata included. */
  public static final String SPARK_ROW_METADATA = "org.apache.spark.sql.parquet.row.metadata";

  /** The token table's own columns, in order. */
  public static final List<Column> COLUMNS = List.of(
      Column.required(ID, ColumnType.STRING), Column.required(TOKENS, ColumnType.INT_LIST),
      Column.required(GRID_H, ColumnType.INT), Column.required(GRID_W, ColumnType.INT),
      Column.required(HEIGHT, ColumnType.INT), Column.required(WIDTH, ColumnType.INT));

  /** The rejects table's columns. */
  public static final List<Column> REJECT_COLUMNS = List.of(
      Column.required(ID, ColumnType.STRING), Column.required("source", ColumnType.STRING),
      Column.required("stage", ColumnType.STRING), Column.required("error", ColumnType.STRING));

  /** The token table's Spark schema (without passthrough columns). */
  public static final StructType SCHEMA = structOf(COLUMNS);

  private TokenTable() {}

  private static StructType structOf(List<Column> columns) {
    return new StructType(columns.stream()
        .map(c -> DataTypes.createStructField(c.name(), c.type().sparkType(), c.nullable()))
        .toArray(StructField[]::new));
  }

  /**
   * Footer key-value metadata of a token file: the manifest under {@code fsq.tokenizer}, and Spark's schema
   * (with the manifest as field metadata of {@code tokens}) so Spark reads exact types and the manifest too.
   */
  public static Map<String, String> footer(TokenizerManifest manifest, List<Column> passthrough) {
    return footer(manifest, passthrough, Variants.NONE);
  }

  /**
   * The footer of a token file with {@code variants}: without variants exactly {@link #footer(TokenizerManifest,
   * List)}; with them the {@code variant} column after {@code width} and the variants under {@link #VARIANTS_KEY}.
   */
  public static Map<String, String> footer(TokenizerManifest manifest, List<Column> passthrough, Variants variants) {
    String json = manifest.toJson();
    List<StructField> fields = new ArrayList<>();
    for (Column column : COLUMNS) {
      Metadata metadata = column.name().equals(TOKENS)
          ? new MetadataBuilder().putString(MANIFEST_KEY, json).build() : Metadata.empty();
      fields.add(DataTypes.createStructField(column.name(), column.type().sparkType(), column.nullable(), metadata));
    }
    List<Column> extra = new ArrayList<>(passthrough);
    if (!variants.isNone()) {
      extra.add(0, VARIANT_COLUMN);
    }
    for (Column column : extra) {
      fields.add(DataTypes.createStructField(column.name(), column.type().sparkType(), column.nullable()));
    }
    Map<String, String> footer = new LinkedHashMap<>();
    footer.put(MANIFEST_KEY, json);
    if (!variants.isNone()) {
      footer.put(VARIANTS_KEY, variants.toJson());
    }
    footer.put(SPARK_ROW_METADATA, new StructType(fields.toArray(new StructField[0])).json());
    return footer;
  }

  /**
   * What is wrong with one row's tokens for a model with a {@code gridHeight x gridWidth} grid and
   * {@code codebookSize} codes, or null when nothing is: null values, a token count that disagrees with the
   * row's grid, a grid other than the model's, or a token outside {@code [0, codebookSize)}.
   */
  public static String tokenProblem(List<Integer> tokens, Integer rowHeight, Integer rowWidth, int gridHeight,
      int gridWidth, int codebookSize) {
    if (tokens == null) {
      return "tokens are null";
    }
    if (rowHeight == null || rowWidth == null) {
      return "grid_h or grid_w is null";
    }
    if ((long) rowHeight * rowWidth != tokens.size()) {
      return tokens.size() + " tokens for a " + rowHeight + "x" + rowWidth + " grid";
    }
    if (rowHeight != gridHeight || rowWidth != gridWidth) {
      return "a " + rowHeight + "x" + rowWidth + " token grid, but the model decodes " + gridHeight + "x" + gridWidth;
    }
    for (int i = 0; i < tokens.size(); i++) {
      Integer token = tokens.get(i);
      if (token == null) {
        return "token " + i + " is null";
      }
      if (token < 0 || token >= codebookSize) {
        return "token " + i + " is " + token + ", outside the codebook 0.." + (codebookSize - 1);
      }
    }
    return null;
  }

  /** Throws with the missing or mistyped column when {@code schema} is not a token table. */
  public static void checkSchema(StructType schema, String table) {
    for (StructField expected : SCHEMA.fields()) {
      scala.Option<Object> index = schema.getFieldIndex(expected.name());
      if (index.isEmpty()) {
        throw new BadDataException("Table " + table + " is not a token table: column '" + expected.name()
            + "' is missing (found " + String.join(", ", schema.fieldNames()) + ")");
      }
      StructField actual = schema.fields()[(Integer) index.get()];
      if (!sameType(expected, actual)) {
        throw new BadDataException("Table " + table + " is not a token table: column '" + expected.name()
            + "' is " + actual.dataType().simpleString() + ", expected " + expected.dataType().simpleString());
      }
    }
  }

  private static boolean sameType(StructField expected, StructField actual) {
    if (expected.dataType() instanceof org.apache.spark.sql.types.ArrayType array) {
      return actual.dataType() instanceof org.apache.spark.sql.types.ArrayType other
          && other.elementType().equals(array.elementType());
    }
    return expected.dataType().equals(actual.dataType());
  }

  /** Rows in a Parquet file, from its footer. */
  public static long rowCount(Configuration conf, Path file) throws IOException {
    try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(file, conf))) {
      return reader.getRecordCount();
    }
  }
}

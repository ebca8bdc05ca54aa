package org.fsqspark.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.fsqspark.model.TokenizerManifest;

/**
 * The token table contract: one row per tokenized image, readable by DuckDB, pyarrow and Hugging Face
 * datasets without this project. The manifest travels in the Parquet footer (as Spark field metadata of
 * {@code tokens}) and in {@code _tokenizer.json} beside the part files. Rejected inputs live in
 * {@code _rejects/}, which Spark, pyarrow and DuckDB globs of {@code *.parquet} all skip.
 */
public final class TokenTable {
  public static final String ID = "id";
  public static final String TOKENS = "tokens";
  public static final String GRID_H = "grid_h";
  public static final String GRID_W = "grid_w";
  public static final String HEIGHT = "height";
  public static final String WIDTH = "width";

  /** Key of the manifest JSON in the field metadata of {@code tokens}. */
  public static final String MANIFEST_KEY = "fsq.tokenizer";
  /** Manifest file beside the part files. */
  public static final String MANIFEST_FILE = "_tokenizer.json";
  /** Rejects table folder inside the output. */
  public static final String REJECTS_DIR = "_rejects";
  /** Run summary written last. */
  public static final String JOB_FILE = "_job.json";

  /** Columns of the token table, in order. */
  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(ID, DataTypes.StringType, false),
      DataTypes.createStructField(TOKENS, DataTypes.createArrayType(DataTypes.IntegerType, false), false),
      DataTypes.createStructField(GRID_H, DataTypes.IntegerType, false),
      DataTypes.createStructField(GRID_W, DataTypes.IntegerType, false),
      DataTypes.createStructField(HEIGHT, DataTypes.IntegerType, false),
      DataTypes.createStructField(WIDTH, DataTypes.IntegerType, false)});

  /** Columns of the rejects table: what failed, where it came from, at which stage, and why. */
  public static final StructType REJECTS_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(ID, DataTypes.StringType, false),
      DataTypes.createStructField("source", DataTypes.StringType, false),
      DataTypes.createStructField("stage", DataTypes.StringType, false),
      DataTypes.createStructField("error", DataTypes.StringType, false)});

  private TokenTable() {}

  /** The {@code tokens} column carrying the manifest as field metadata, which Spark keeps in the footer. */
  public static Column tokensWithManifest(Dataset<Row> rows, TokenizerManifest manifest) {
    Metadata metadata = new MetadataBuilder().putString(MANIFEST_KEY, manifest.toJson()).build();
    return rows.col(TOKENS).as(TOKENS, metadata);
  }

  /** Reads the manifest of a token table: {@code _tokenizer.json} if present, else the field metadata. */
  public static TokenizerManifest readManifest(SparkSession spark, String table, Dataset<Row> rows) {
    Path file = new Path(table, MANIFEST_FILE);
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(file)) {
        try (FSDataInputStream in = fs.open(file)) {
          return TokenizerManifest.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), file.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    StructField tokens = rows.schema().apply(TOKENS);
    if (tokens.metadata().contains(MANIFEST_KEY)) {
      return TokenizerManifest.fromJson(tokens.metadata().getString(MANIFEST_KEY), table + " (Parquet footer)");
    }
    return null;
  }

  /** Throws with the missing or mistyped column when {@code schema} is not a token table. */
  public static void checkSchema(StructType schema, String table) {
    for (StructField expected : SCHEMA.fields()) {
      scala.Option<Object> index = schema.getFieldIndex(expected.name());
      if (index.isEmpty()) {
        throw new IllegalArgumentException("Table " + table + " is not a token table: column '" + expected.name()
            + "' is missing (found " + String.join(", ", schema.fieldNames()) + ")");
      }
      StructField actual = schema.fields()[(Integer) index.get()];
      if (!sameType(expected, actual)) {
        throw new IllegalArgumentException("Table " + table + " is not a token table: column '" + expected.name()
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

  /** Hadoop configuration helper for writing small side files. */
  public static void writeText(Configuration conf, Path file, String text) {
    try {
      FileSystem fs = file.getFileSystem(conf);
      try (var out = fs.create(file, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}

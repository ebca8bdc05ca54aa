package org.fsqspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.fsqspark.io.HadoopConfiguration;
import org.fsqspark.io.ImageFiles;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.ModelFolder;
import org.fsqspark.model.ModelPackage;
import org.fsqspark.model.TokenizerManifest;

/**
 * {@code fsq tokenize}: image folder -> decode and preprocess on executors -> encoder through DJL, one
 * model per executor JVM -> FSQ indices -> token table and rejects table.
 *
 * <p>Everything is written into a staging folder beside the output and renamed into place at the end,
 * so the output either does not exist or is complete (atomic on local disks and HDFS).
 */
public final class TokenizeJob {
  /** Auto partitioning aims at this many files per task, and at least two tasks per core. */
  private static final long FILES_PER_PARTITION = 1024;
  private static final StructType FILE_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("path", DataTypes.StringType, false),
      DataTypes.createStructField("length", DataTypes.LongType, false)});

  private final SparkSession spark;
  private final TokenizeConfig config;
  private final PrintWriter console;

  public TokenizeJob(SparkSession spark, TokenizeConfig config, PrintWriter console) {
    this.spark = spark;
    this.config = config;
    this.console = console;
  }

  public TokenizeResult run() {
    long start = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.Path output = qualified(hadoop, config.output());
    checkOutputIsFree(hadoop, output);
    String inputRoot = ImageFiles.qualifiedRoot(hadoop, config.input());
    ModelPackage modelPackage = loadModelPackage();
    TokenizerManifest manifest = TokenizerManifest.fromJson(modelPackage.manifestJson(), modelPackage.key());
    if (spark.sparkContext().isLocal()) {
      // Executors are this JVM: a GPU that cannot be used is known now, before any work starts.
      config.device().resolve(null);
    }

    spark.sparkContext().setJobDescription("fsq tokenize: list " + config.input());
    List<ImageFiles.Entry> listed = ImageFiles.list(hadoop, inputRoot);
    long inputs = listed.size();
    if (inputs == 0) {
      throw new IllegalArgumentException("No PNG or JPEG files under " + config.input()
          + " (searched recursively for " + ImageFiles.EXTENSIONS + ")");
    }
    int partitions = config.partitions() > 0 ? config.partitions()
        : (int) Math.max(2L * spark.sparkContext().defaultParallelism(), (inputs + FILES_PER_PARTITION - 1) / FILES_PER_PARTITION);
    partitions = (int) Math.min(partitions, inputs);
    console.printf(Locale.ROOT, "tokenize: %d images under %s in %d partitions, model %s (levels %s, |C| = %d, "
            + "%dx%d tokens per image)%n", inputs, config.input(), partitions, manifest.name(), manifest.levels(),
        manifest.levels().codebookSize(), manifest.gridHeight(), manifest.gridWidth());
    console.flush();
    List<Row> rows = new ArrayList<>(listed.size());
    listed.forEach(entry -> rows.add(RowFactory.create(entry.path(), entry.length())));
    Dataset<Row> files = spark.createDataFrame(rows, FILE_SCHEMA);

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<ModelPackage> shipped = jsc.broadcast(modelPackage);
    CollectionAccumulator<String> jvms = spark.sparkContext().collectionAccumulator("fsq.jvms");
    TokenizePartition.Counters counters = new TokenizePartition.Counters(
        spark.sparkContext().longAccumulator("fsq.images"), spark.sparkContext().longAccumulator("fsq.rejects"),
        spark.sparkContext().longAccumulator("fsq.modelLoads"), jvms);
    TokenizePartition tokenize = new TokenizePartition(shipped, new HadoopConfiguration(hadoop), manifest,
        SourceIds.under(inputRoot), config.batchSize(), config.maxPixels(), config.device(), counters);

    Dataset<Row> results = files.repartitionByRange(partitions, files.col("path"))
        .mapPartitions(tokenize, Encoders.row(TokenizePartition.RESULT_SCHEMA))
        .persist(StorageLevel.MEMORY_AND_DISK());
    org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(output.getParent(),
        "." + output.getName() + ".staging-" + UUID.randomUUID());
    long tokenized;
    long rejected;
    try (JobProgress progress = JobProgress.start(spark, "tokenize", inputs, counters.images(), counters.rejects(),
        config.progressSeconds(), console)) {
      spark.sparkContext().setJobDescription("fsq tokenize: encode and write tokens");
      Dataset<Row> tokens = results.filter(results.col("error").isNull());
      tokens.select(tokens.col(TokenTable.ID), TokenTable.tokensWithManifest(tokens, manifest),
              tokens.col(TokenTable.GRID_H), tokens.col(TokenTable.GRID_W), tokens.col(TokenTable.HEIGHT),
              tokens.col(TokenTable.WIDTH))
          .write().mode(SaveMode.ErrorIfExists).parquet(staging.toString());
      spark.sparkContext().setJobDescription("fsq tokenize: write rejects");
      Dataset<Row> rejects = results.filter(results.col("error").isNotNull());
      rejects.select("id", "source", "stage", "error").coalesce(1)
          .write().mode(SaveMode.ErrorIfExists)
          .parquet(new org.apache.hadoop.fs.Path(staging, TokenTable.REJECTS_DIR).toString());
      tokenized = tokens.count();
      rejected = rejects.count();
      progress.finish(tokenized, rejected);
    } catch (RuntimeException e) {
      deleteQuietly(hadoop, staging);
      throw e;
    } finally {
      results.unpersist();
      shipped.destroy();
    }

    double seconds = (System.nanoTime() - start) / 1e9;
    TokenizeResult result = new TokenizeResult(output.toString(), inputs, tokenized, rejected,
        tokenized * manifest.tokensPerImage(), seconds, counters.modelLoads().value(),
        new HashSet<>(jvms.value()).size(), jvms.value().size());
    TokenTable.writeText(hadoop, new org.apache.hadoop.fs.Path(staging, TokenTable.MANIFEST_FILE), manifest.toJson() + "\n");
    TokenTable.writeText(hadoop, new org.apache.hadoop.fs.Path(staging, TokenTable.JOB_FILE), JobSummary.toJson(config, result));
    publish(hadoop, staging, output);
    return result;
  }

  private static org.apache.hadoop.fs.Path qualified(Configuration hadoop, String location) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    try {
      return path.getFileSystem(hadoop).makeQualified(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + location, e);
    }
  }

  private void checkOutputIsFree(Configuration hadoop, org.apache.hadoop.fs.Path output) {
    try {
      FileSystem fs = output.getFileSystem(hadoop);
      if (fs.exists(output) && !config.overwrite()) {
        throw new IllegalArgumentException("Output " + output + " already exists; choose a new --output or pass"
            + " --overwrite to replace it");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check output " + output, e);
    }
  }

  private ModelPackage loadModelPackage() {
    if ("default".equals(config.model())) {
      return ModelPackage.bundledDefault();
    }
    return ModelPackage.of(ModelFolder.open(Path.of(config.model())));
  }

  private void publish(Configuration hadoop, org.apache.hadoop.fs.Path staging, org.apache.hadoop.fs.Path output) {
    try {
      FileSystem fs = output.getFileSystem(hadoop);
      if (fs.exists(output)) {
        if (!config.overwrite()) {
          throw new IllegalStateException("Output " + output + " appeared while the job ran; the finished table is "
              + "left at " + staging);
        }
        fs.delete(output, true);
      }
      if (!fs.rename(staging, output)) {
        throw new IOException("rename " + staging + " -> " + output + " returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot move the finished table into " + output, e);
    }
  }

  private static void deleteQuietly(Configuration hadoop, org.apache.hadoop.fs.Path path) {
    try {
      path.getFileSystem(hadoop).delete(path, true);
    } catch (IOException e) {
      // The staging folder is hidden and uniquely named; leaving it behind never corrupts an output.
    }
  }
}

package org.fsqspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.TokenizerManifest;
import org.fsqspark.report.StatsReport;
import org.fsqspark.stats.CodebookHistogram;

/**
 * {@code fsq stats}: one pass over a token table builds the exact codebook histogram (one dense array per
 * partition, merged with a tree reduce), then plain Java computes the statistics and writes the report.
 */
public final class StatsJob {
  private final SparkSession spark;
  private final StatsConfig config;
  private final PrintWriter console;

  public StatsJob(SparkSession spark, StatsConfig config, PrintWriter console) {
    this.spark = spark;
    this.config = config;
    this.console = console;
  }

  /** Result of a stats run. */
  public record Result(StatsReport report, String statsFile) {}

  public Result run() {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    checkInputExists(hadoop);
    spark.sparkContext().setJobDescription("fsq stats: read " + config.input());
    Dataset<Row> table = spark.read().parquet(config.input());
    TokenTable.checkSchema(table.schema(), config.input());
    TokenizerManifest manifest = TokenTable.readManifest(spark, config.input(), table);
    Levels levels = levelsOf(manifest);

    spark.sparkContext().setJobDescription("fsq stats: codebook histogram");
    int codebookSize = levels.codebookSize();
    Dataset<Row> tokens = table.select(TokenTable.TOKENS);
    CodebookHistogram histogram = tokens.javaRDD()
        .mapPartitions((Iterator<Row> rows) -> Collections.singletonList(countPartition(rows, codebookSize)).iterator())
        .treeReduce(CodebookHistogram::merge);
    long images = table.count();

    StatsReport report = StatsReport.of(config.input(), manifest, levels, images, histogram);
    Path statsFile = new Path(config.output(), "stats.json");
    TokenTable.writeText(hadoop, statsFile, report.toJson());
    console.print(report.toConsoleTable());
    return new Result(report, statsFile.toString());
  }

  private static CodebookHistogram countPartition(Iterator<Row> rows, int codebookSize) {
    CodebookHistogram histogram = new CodebookHistogram(codebookSize);
    while (rows.hasNext()) {
      Row row = rows.next();
      if (row.isNullAt(0)) {
        continue;
      }
      scala.collection.Seq<Object> tokens = row.getSeq(0);
      scala.collection.Iterator<Object> it = tokens.iterator();
      while (it.hasNext()) {
        histogram.add((Integer) it.next());
      }
    }
    return histogram;
  }

  private Levels levelsOf(TokenizerManifest manifest) {
    if (config.levels() != null) {
      Levels given = Levels.parse(config.levels());
      if (manifest != null && !manifest.levels().equals(given)) {
        throw new IllegalArgumentException("--levels " + given + " disagrees with the levels " + manifest.levels()
            + " in the manifest of " + config.input() + "; drop --levels to use the manifest");
      }
      return given;
    }
    if (manifest == null) {
      throw new IllegalArgumentException("Table " + config.input() + " carries no tokenizer manifest (no "
          + TokenTable.MANIFEST_FILE + ", no footer metadata); pass --levels, e.g. --levels 8,5,5,5");
    }
    return manifest.levels();
  }

  private void checkInputExists(Configuration hadoop) {
    Path input = new Path(config.input());
    try {
      FileSystem fs = input.getFileSystem(hadoop);
      if (!fs.exists(input)) {
        throw new IllegalArgumentException("Input " + input + " does not exist; pass the --output folder of fsq tokenize");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + input, e);
    }
  }
}

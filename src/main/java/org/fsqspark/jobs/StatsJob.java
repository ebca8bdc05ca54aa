package org.fsqspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.Column;
import org.fsqspark.io.ColumnType;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.TableManifest;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.TokenizerManifest;
import org.fsqspark.report.HtmlReport;
import org.fsqspark.report.StatsReport;
import org.fsqspark.stats.CodebookHistogram;
import org.fsqspark.stats.CompressionCost;
import org.fsqspark.stats.StreamCoder;
import org.fsqspark.stats.TokenGrid;
import org.fsqspark.stats.UnigramCode;

/**
 * {@code fsq stats}: per table, one Spark pass builds the exact codebook histogram (one array per partition,
 * merged with a tree reduce); a second pass codes every partition's token stream under each probability
 * model with a real entropy coder, decoding the result to check it; plain Java then derives the statistics.
 * Writes {@code stats.json}, {@code histogram.parquet} and {@code report.html}.
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

  /** Result of a stats run: the first table's report (and the second's when comparing) and the files written. */
  public record Result(StatsReport report, StatsReport compared, String statsFile, String reportFile) {}

  /** What stats writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("stats", "stats.json", "histogram.parquet",
      "histogram-a.parquet", "histogram-b.parquet", "report.html");

  public Result run() {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    OutputFolder folder = OutputFolder.check(hadoop, config.output(), OUTPUT,
        config.overwrite() ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.REFUSE,
        new OutputFolder.Input("--input", config.input()), new OutputFolder.Input("--compare", config.compare()));
    List<HtmlReport.Table> tables = new ArrayList<>();
    tables.add(measure(config.input(), config.compare() == null ? "tokens" : "A", hadoop));
    if (config.compare() != null) {
      tables.add(measure(config.compare(), "B", hadoop));
    }
    folder.prepare();
    Path output = new Path(config.output());
    Path statsFile = new Path(output, "stats.json");
    if (tables.size() == 1) {
      TokenTable.writeText(hadoop, statsFile, tables.get(0).report().toJson());
      writeHistogram(hadoop, new Path(output, "histogram.parquet"), tables.get(0));
    } else {
      com.google.gson.JsonObject both = new com.google.gson.JsonObject();
      both.add("a", tables.get(0).report().toJsonObject());
      both.add("b", tables.get(1).report().toJsonObject());
      TokenTable.writeText(hadoop, statsFile, new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(both) + "\n");
      writeHistogram(hadoop, new Path(output, "histogram-a.parquet"), tables.get(0));
      writeHistogram(hadoop, new Path(output, "histogram-b.parquet"), tables.get(1));
    }
    Path reportFile = new Path(output, "report.html");
    TokenTable.writeText(hadoop, reportFile, HtmlReport.render(tables));
    for (HtmlReport.Table table : tables) {
      if (tables.size() > 1) {
        console.println("== " + table.name());
      }
      console.print(table.report().toConsoleTable());
    }
    console.flush();
    return new Result(tables.get(0).report(), tables.size() > 1 ? tables.get(1).report() : null,
        statsFile.toString(), reportFile.toString());
  }

  private HtmlReport.Table measure(String input, String name, Configuration hadoop) {
    checkInputExists(hadoop, input);
    TokenizerManifest manifest = TableManifest.read(hadoop, input).manifest().orElse(null);
    spark.sparkContext().setJobDescription("fsq stats: read " + input);
    Dataset<Row> table = spark.read().parquet(input);
    TokenTable.checkSchema(table.schema(), input);
    Levels levels = levelsOf(manifest, input);
    org.fsqspark.prior.PriorPackage prior = config.prior() == null ? null
        : PriorCompression.check(config, input, manifest);
    int codebookSize = levels.codebookSize();
    Dataset<Row> grids = table.select(TokenTable.TOKENS, TokenTable.GRID_H, TokenTable.GRID_W);

    spark.sparkContext().setJobDescription("fsq stats: codebook histogram of " + input);
    console.printf("stats: counting the codes of %s (|C| = %d)%n", input, codebookSize);
    console.flush();
    Counted counted = grids.javaRDD()
        .mapPartitions((Iterator<Row> rows) -> List.of(countPartition(rows, codebookSize)).iterator())
        .treeReduce(Counted::merge);

    CompressionCost cost = null;
    long headerBytes = 0;
    if (config.compression() && counted.images > 0) {
      spark.sparkContext().setJobDescription("fsq stats: compression cost of " + input);
      console.printf("stats: coding %d tokens of %d images under %d models%n", counted.histogram.total(),
          counted.images, org.fsqspark.stats.CostModel.values().length - 1); // the prior has its own pass
      console.flush();
      UnigramCode unigram = UnigramCode.of(counted.histogram);
      headerBytes = unigram.header().length;
      Broadcast<UnigramCode> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(unigram);
      double fraction = config.verifyFraction();
      cost = grids.javaRDD()
          .mapPartitions((Iterator<Row> rows) -> List.of(codePartition(rows, levels, shared.value(), fraction)).iterator())
          .treeReduce(CompressionCost::merge);
      shared.destroy();
      if (prior != null) {
        cost.merge(PriorCompression.measure(spark, grids, input, prior, counted.images, config, console));
      }
    }
    StatsReport report = StatsReport.of(input, manifest, levels, counted.images, counted.histogram, cost, headerBytes);
    return new HtmlReport.Table(name, report, counted.histogram);
  }

  /** A partition's histogram and image count. */
  static final class Counted implements Serializable {
    private static final long serialVersionUID = 1L;
    final CodebookHistogram histogram;
    long images;

    Counted(int codebookSize) {
      histogram = new CodebookHistogram(codebookSize);
    }

    Counted merge(Counted other) {
      histogram.merge(other.histogram);
      images += other.images;
      return this;
    }
  }

  private static Counted countPartition(Iterator<Row> rows, int codebookSize) {
    Counted counted = new Counted(codebookSize);
    while (rows.hasNext()) {
      counted.histogram.addAll(tokensOf(rows.next()).tokens());
      counted.images++;
    }
    return counted;
  }

  private static CompressionCost codePartition(Iterator<Row> rows, Levels levels, UnigramCode unigram, double fraction) {
    List<TokenGrid> grids = new ArrayList<>();
    while (rows.hasNext()) {
      grids.add(tokensOf(rows.next()));
    }
    TaskContext task = TaskContext.get();
    int partition = task == null ? 0 : task.partitionId();
    // A stable, evenly spread choice of partitions to decode: golden-ratio stepping over [0, 1).
    boolean verify = fraction >= 1 || ((partition * 0.6180339887498949) % 1.0) < fraction;
    return new StreamCoder(levels, unigram, verify).code(grids);
  }

  /** A row's tokens as a grid; a row whose token count disagrees with its grid shape is an error, not a guess. */
  static TokenGrid tokensOf(Row row) {
    if (row.isNullAt(0) || row.isNullAt(1) || row.isNullAt(2)) {
      throw new IllegalArgumentException("A token row has null tokens or grid shape; the table is damaged");
    }
    List<Integer> list = row.getList(0);
    int[] tokens = new int[list.size()];
    for (int i = 0; i < tokens.length; i++) {
      Integer token = list.get(i);
      if (token == null) {
        throw new IllegalArgumentException("A token row holds a null token; the table is damaged");
      }
      tokens[i] = token;
    }
    int height = row.getInt(1);
    int width = row.getInt(2);
    if ((long) height * width != tokens.length) {
      throw new IllegalArgumentException("A token row has " + tokens.length + " tokens for a " + height + "x" + width
          + " grid; the table is damaged or not a token table");
    }
    return new TokenGrid(tokens, height, width);
  }

  private static void writeHistogram(Configuration hadoop, Path file, HtmlReport.Table table) {
    Levels levels = table.report().levels();
    List<Column> columns = new ArrayList<>();
    columns.add(Column.required("index", ColumnType.INT));
    columns.add(Column.required("count", ColumnType.LONG));
    for (int c = 0; c < levels.channels(); c++) {
      columns.add(Column.required("d" + c, ColumnType.INT));
    }
    try (ParquetRowWriter writer = new ParquetRowWriter(hadoop, file, columns, Map.of("fsq.levels", levels.toString()))) {
      CodebookHistogram histogram = table.histogram();
      int[] digits = new int[levels.channels()];
      if (histogram.isDense()) {
        for (int code = 0; code < levels.codebookSize(); code++) {
          writer.write(histogramRow(levels, code, histogram.count(code), digits));
        }
      } else {
        IOException[] failure = new IOException[1];
        histogram.forEachNonZero((code, count) -> {
          try {
            writer.write(histogramRow(levels, code, count, digits));
          } catch (IOException e) {
            failure[0] = e;
          }
        });
        if (failure[0] != null) {
          throw failure[0];
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static Object[] histogramRow(Levels levels, int code, long count, int[] digits) {
    levels.digitsOf(code, digits);
    Object[] row = new Object[2 + digits.length];
    row[0] = code;
    row[1] = count;
    for (int c = 0; c < digits.length; c++) {
      row[2 + c] = digits[c];
    }
    return row;
  }

  private Levels levelsOf(TokenizerManifest manifest, String input) {
    if (config.levels() != null) {
      Levels given = Levels.parse(config.levels());
      if (manifest != null && !manifest.levels().equals(given)) {
        throw new IllegalArgumentException("--levels " + given + " disagrees with the levels " + manifest.levels()
            + " in the manifest of " + input + "; drop --levels to use the manifest");
      }
      return given;
    }
    if (manifest == null) {
      throw new IllegalArgumentException("Table " + input + " carries no tokenizer manifest (no "
          + TokenTable.MANIFEST_FILE + ", no footer metadata); pass --levels, e.g. --levels 8,5,5,5");
    }
    return manifest.levels();
  }

  private static void checkInputExists(Configuration hadoop, String input) {
    Path path = new Path(input);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path)) {
        throw new IllegalArgumentException("Input " + input + " does not exist; pass the --output folder of fsq tokenize");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + input, e);
    }
  }
}

package org.fsqspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.TableManifest;
import org.fsqspark.io.TextFiles;
import org.fsqspark.io.TokenTable;
import org.fsqspark.report.ConsoleTable;
import org.fsqspark.report.HistogramTable;
import org.fsqspark.report.HtmlReport;
import org.fsqspark.report.StatsJson;
import org.fsqspark.stats.CompressionCost;
import org.fsqspark.stats.CostModel;
import org.fsqspark.stats.StreamCoder;
import org.fsqspark.stats.TableStatistics;
import org.fsqspark.stats.TokenCounts;
import org.fsqspark.stats.TokenGrid;
import org.fsqspark.stats.UnigramCode;
import org.fsqspark.pipeline.PriorCoding;
import org.fsqspark.pipeline.StatsConfig;
import org.fsqspark.prior.PriorPackage;

/**
 * {@code fsq stats}: per table, one Spark pass builds the exact codebook histogram (one array per partition,
 * merged with a tree reduce); a second pass codes every partition's token stream under each probability
 * model with a real entropy coder, decoding the result to check it; the statistics package derives the figures
 * and the report package renders {@code stats.json}, {@code histogram.parquet} and {@code report.html}.
 */
public final class StatsJob {
  /** What stats writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("stats", "stats.json", "histogram.parquet",
      "histogram-a.parquet", "histogram-b.parquet", "report.html");

  private final SparkSession spark;
  private final StatsConfig config;
  private final PrintWriter console;

  public StatsJob(SparkSession spark, StatsConfig config, PrintWriter console) {
    this.spark = spark;
    this.config = config;
    this.console = console;
  }

  /** Result of a stats run: the first table's figures (and the second's when comparing) and the files written. */
  public record Result(TableStatistics statistics, TableStatistics compared, String statsFile, String reportFile) {}

  public Result run() {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    OutputFolder folder = OutputFolder.check(hadoop, config.output(), OUTPUT,
        config.overwrite() ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.REFUSE,
        new OutputFolder.Input("--input", config.input()), new OutputFolder.Input("--compare", config.compare()));
    List<TableStatistics> tables = new ArrayList<>();
    tables.add(measure(config.input(), hadoop));
    if (config.compare() != null) {
      tables.add(measure(config.compare(), hadoop));
    }
    folder.prepare();
    Path output = new Path(config.output());
    Path statsFile = new Path(output, "stats.json");
    TextFiles.write(hadoop, statsFile, StatsJson.of(tables));
    for (int t = 0; t < tables.size(); t++) {
      String name = tables.size() == 1 ? "histogram.parquet" : t == 0 ? "histogram-a.parquet" : "histogram-b.parquet";
      HistogramTable.write(hadoop, new Path(output, name), tables.get(t).levels(), tables.get(t).histogram());
    }
    Path reportFile = new Path(output, "report.html");
    TextFiles.write(hadoop, reportFile, HtmlReport.render(tables));
    for (int t = 0; t < tables.size(); t++) {
      if (tables.size() > 1) {
        console.println("== " + HtmlReport.names(tables.size()).get(t));
      }
      console.print(ConsoleTable.of(tables.get(t)));
    }
    console.flush();
    return new Result(tables.get(0), tables.size() > 1 ? tables.get(1) : null, statsFile.toString(),
        reportFile.toString());
  }

  private TableStatistics measure(String input, Configuration hadoop) {
    checkInputExists(hadoop, input);
    TableManifest tableManifest = TableManifest.read(hadoop, input);
    TokenizerManifest manifest = tableManifest.manifest().orElse(null);
    spark.sparkContext().setJobDescription("fsq stats: read " + input);
    Dataset<Row> table = spark.read().parquet(input).where(config.variantCondition(hadoop, tableManifest, input));
    TokenTable.checkSchema(table.schema(), input);
    Levels levels = tableManifest.levels(config.levels(), input);
    PriorPackage prior = config.prior() == null ? null
        : PriorCoding.check(config, input, manifest);
    int codebookSize = levels.codebookSize();
    Dataset<Row> grids = table.select(TokenTable.TOKENS, TokenTable.GRID_H, TokenTable.GRID_W);

    spark.sparkContext().setJobDescription("fsq stats: codebook histogram of " + input);
    console.printf("stats: counting the codes of %s (|C| = %d)%n", input, codebookSize);
    console.flush();
    TokenCounts counts = grids.javaRDD().mapPartitions((Iterator<Row> rows) -> {
      TokenCounts partition = new TokenCounts(codebookSize);
      rows.forEachRemaining(row -> partition.add(tokensOf(row).tokens()));
      return List.of(partition).iterator();
    }).treeReduce(TokenCounts::merge);
    CompressionCost cost = null;
    long headerBytes = 0;
    if (config.compression() && counts.images() > 0) {
      UnigramCode unigram = UnigramCode.of(counts.histogram());
      headerBytes = unigram.header().length;
      cost = code(grids, input, levels, unigram, counts);
      if (prior != null) {
        cost.merge(PriorCompression.measure(spark, tableManifest.partFiles(), input, prior, counts.images(), config,
            config.variantValue(hadoop, tableManifest, input), console));
      }
    }
    return new TableStatistics(config.label(input), manifest == null ? null : manifest.name() + " " + manifest.version(),
        levels, counts.images(), counts.histogram(), cost, headerBytes);
  }

  /** Codes every partition's tokens under each model; a share of the partitions is decoded back and compared. */
  private CompressionCost code(Dataset<Row> grids, String input, Levels levels, UnigramCode unigram,
      TokenCounts counts) {
    spark.sparkContext().setJobDescription("fsq stats: compression cost of " + input);
    console.printf("stats: coding %d tokens of %d images under %d models%n", counts.histogram().total(),
        counts.images(), CostModel.values().length - 1); // the prior has its own pass
    console.flush();
    Broadcast<UnigramCode> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(unigram);
    double fraction = config.verifyFraction();
    try {
      return grids.javaRDD().mapPartitions((Iterator<Row> rows) -> {
        List<TokenGrid> partition = new ArrayList<>();
        rows.forEachRemaining(row -> partition.add(tokensOf(row)));
        TaskContext task = TaskContext.get();
        boolean verify = StreamCoder.verifies(task == null ? 0 : task.partitionId(), fraction);
        return List.of(new StreamCoder(levels, shared.value(), verify).code(partition)).iterator();
      }).treeReduce(CompressionCost::merge);
    } finally {
      shared.destroy();
    }
  }

  /** A row's tokens as a grid; a row whose token count disagrees with its grid shape is an error, not a guess. */
  static TokenGrid tokensOf(Row row) {
    return TokenGrid.checked(row.isNullAt(0) ? null : row.getList(0), row.isNullAt(1) ? null : row.getInt(1),
        row.isNullAt(2) ? null : row.getInt(2));
  }

  private static void checkInputExists(Configuration hadoop, String input) {
    Path path = new Path(input);
    try {
      if (!path.getFileSystem(hadoop).exists(path)) {
        throw new BadInputException("Input " + input + " does not exist; pass the --output folder of fsq tokenize");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + input, e);
    }
  }
}

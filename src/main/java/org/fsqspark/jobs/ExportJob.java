package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.io.export.ExportKey;
import org.fsqspark.io.export.ExportLayout;
import org.fsqspark.io.export.ExportPlan;
import org.fsqspark.io.export.ExportRow;
import org.fsqspark.io.export.ExportSettings;
import org.fsqspark.io.export.ExportedShard;
import org.fsqspark.pipeline.ExportConfig;
import org.fsqspark.pipeline.ExportCounts;
import org.fsqspark.pipeline.ExportOutput;
import org.fsqspark.pipeline.ExportWork;
import org.fsqspark.pipeline.Mapped;
import scala.Tuple2;

/**
 * {@code fsq export}: reads a token table's part files through the {@link ShardRunner} (one task per file,
 * {@link ExportWork.Read}), keys every row by its split (a hash of its id) and its seeded shuffle key, sorts
 * globally with Spark, numbers the rows and sends each run of ranks to the task that writes and commits its
 * file ({@link ExportWork.Write}, again through the runner). The global shuffle is the one step that stays
 * Spark's own: its rows must meet across every part file. The header written last marks the export complete;
 * a killed run, re-run with the same settings, keeps the committed files and writes the rest. The folder work
 * is {@link ExportOutput}'s.
 */
public final class ExportJob {
  private final SparkSession spark;
  private final ExportConfig config;
  private final PrintWriter console;

  public ExportJob(SparkSession spark, ExportConfig config, PrintWriter console) {
    this.spark = spark;
    this.config = config;
    this.console = console;
  }

  /** The plan that was written, its shards, and the header file that marks it complete. */
  public record Result(ExportPlan plan, List<ExportedShard> shards, String headerFile, double seconds) {}

  public Result run() {
    long start = System.nanoTime();
    ExportOutput folder = new ExportOutput(spark.sparkContext().hadoopConfiguration(), config, console);
    ExportOutput.Prepared prepared = folder.prepare();
    TokenTableReader table = prepared.table();
    ExportSettings settings = config.settings();
    try (ShardRunner runner = new ShardRunner(spark)) {
      JavaPairRDD<ExportKey, ExportRow> keyed = runner.read("fsq export: read " + config.input(),
              table.files().stream().map(Path::toString).toList(),
              new ExportWork.Read(config.input(), table.manifest(), prepared.label(), settings.prefixLabel()))
          .mapToPair(row -> new Tuple2<>(row.key(settings.idSplit(), settings.seed()), row));
      JavaPairRDD<ExportKey, ExportRow> sorted = keyed.sortByKey(true, Math.max(1, keyed.getNumPartitions()));
      // One pass over the sorted rows counts each partition: the splits' sizes and every partition's first rank.
      List<long[]> perPartition = sorted.mapPartitions(rows -> {
        long[] counts = ExportCounts.empty();
        rows.forEachRemaining(row -> ExportCounts.add(counts, row._1().split(), row._2().label()));
        return List.of(counts).iterator();
      }).collect();
      ExportPlan plan = folder.plan(prepared, perPartition);
      List<ExportedShard> shards = runner.run("fsq export: shuffle and write " + config.output(),
          ranked(sorted, ExportCounts.firstRanks(perPartition), plan.layout()),
          new ExportWork.Write(prepared.output().toString(), plan));
      double seconds = (System.nanoTime() - start) / 1e9;
      String header = folder.finish(prepared, plan, shards, seconds);
      return new Result(plan, shards, header, seconds);
    }
  }

  /** Numbers the sorted rows and sends each file's run of ranks, in rank order, to the partition that writes it. */
  private static JavaRDD<ExportRow> ranked(JavaPairRDD<ExportKey, ExportRow> sorted, long[] firstRanks,
      ExportLayout layout) {
    JavaRDD<Tuple2<Long, ExportRow>> ranked = sorted.values().mapPartitionsWithIndex((partition, rows) -> {
      long[] rank = {firstRanks[partition]};
      return Mapped.of(rows, row -> new Tuple2<>(rank[0]++, row));
    }, true);
    return JavaPairRDD.fromJavaRDD(ranked).repartitionAndSortWithinPartitions(new LayoutPartitioner(layout)).values();
  }

  /** Sends a global rank to the partition that writes its file. */
  static final class LayoutPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final ExportLayout layout;

    LayoutPartitioner(ExportLayout layout) {
      this.layout = layout;
    }

    @Override
    public int numPartitions() {
      return layout.partitions();
    }

    @Override
    public int getPartition(Object rank) {
      return layout.partitionOf((Long) rank);
    }
  }
}

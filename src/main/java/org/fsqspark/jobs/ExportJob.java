package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.io.export.ExportKey;
import org.fsqspark.io.export.ExportLayout;
import org.fsqspark.io.export.ExportPlan;
import org.fsqspark.io.export.ExportRow;
import org.fsqspark.io.export.ExportSettings;
import org.fsqspark.io.export.ExportedShard;
import org.fsqspark.io.export.ShardWriter;
import org.fsqspark.pipeline.ExportConfig;
import org.fsqspark.pipeline.ExportOutput;
import org.fsqspark.pipeline.ExportRows;
import org.fsqspark.pipeline.Mapped;
import scala.Tuple2;

/**
 * {@code fsq export}: reads a token table's part files with the library's reader (one task per file), keys
 * every row by its split (a hash of its id) and its seeded shuffle key, sorts globally, numbers the rows and
 * sends each run of ranks to the task that writes its file, which writes and commits it
 * ({@link ShardWriter}). The header written last marks the export complete; a killed run, re-run with the
 * same settings, keeps the committed files and writes the rest. The folder work is {@link ExportOutput}'s.
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
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ExportOutput folder = new ExportOutput(hadoop, config, console);
    ExportOutput.Prepared prepared = folder.prepare();
    TokenTableReader table = prepared.table();
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> shared = context.broadcast(new SerializableConfiguration(hadoop));
    spark.sparkContext().setJobDescription("fsq export: read " + config.input());
    JavaPairRDD<ExportKey, ExportRow> keyed = keyedRows(context, shared, table, prepared.label());
    JavaPairRDD<ExportKey, ExportRow> sorted = keyed.sortByKey(true, Math.max(1, keyed.getNumPartitions()));
    // One pass over the sorted rows counts each partition: the splits' sizes and every partition's first rank.
    List<long[]> perPartition = sorted.mapPartitions(rows -> {
      long[] counts = org.fsqspark.pipeline.ExportCounts.empty();
      rows.forEachRemaining(row -> org.fsqspark.pipeline.ExportCounts.add(counts, row._1().split(), row._2().label()));
      return List.of(counts).iterator();
    }).collect();
    ExportPlan plan = folder.plan(prepared, perPartition);
    spark.sparkContext().setJobDescription("fsq export: shuffle and write " + config.output());
    List<ExportedShard> shards = write(sorted, org.fsqspark.pipeline.ExportCounts.firstRanks(perPartition), plan, shared,
        prepared.output());
    shared.destroy();
    double seconds = (System.nanoTime() - start) / 1e9;
    String header = folder.finish(prepared, plan, shards, seconds);
    return new Result(plan, shards, header, seconds);
  }

  /** Every row of the table keyed by its place in the export: one task per part file. */
  private JavaPairRDD<ExportKey, ExportRow> keyedRows(JavaSparkContext context,
      Broadcast<SerializableConfiguration> shared, TokenTableReader table, String label) {
    List<String> files = table.files().stream().map(Path::toString).toList();
    TokenizerManifest manifest = table.manifest();
    String input = config.input();
    ExportSettings settings = config.settings();
    return context.parallelize(files, files.size()).flatMap(file -> {
      ExportRows rows = ExportRows.open(shared.value().value(), input, file, manifest, label,
          settings.prefixLabel());
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) done -> rows.close());
      }
      return rows;
    }).mapToPair(row -> new Tuple2<>(row.key(settings.idSplit(), settings.seed()), row));
  }

  /** Numbers the sorted rows, sends each file's run of ranks to one task and writes it. */
  private static List<ExportedShard> write(JavaPairRDD<ExportKey, ExportRow> sorted, long[] firstRanks,
      ExportPlan plan, Broadcast<SerializableConfiguration> shared, Path output) {
    String outputPath = output.toString();
    JavaRDD<Tuple2<Long, ExportRow>> ranked = sorted.values().mapPartitionsWithIndex((partition, rows) -> {
      long[] rank = {firstRanks[partition]};
      return Mapped.of(rows, row -> new Tuple2<>(rank[0]++, row));
    }, true);
    return JavaPairRDD.fromJavaRDD(ranked)
        .repartitionAndSortWithinPartitions(new LayoutPartitioner(plan.layout()))
        .mapPartitionsWithIndex((partition, rows) -> {
          String attempt = "attempt-" + (TaskContext.get() == null ? 0 : TaskContext.get().taskAttemptId());
          return List.of(ShardWriter.write(shared.value().value(), new Path(outputPath), plan, partition, attempt,
              Mapped.of(rows, Tuple2::_2))).iterator();
        }, true)
        .collect();
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

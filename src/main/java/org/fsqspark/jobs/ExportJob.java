package org.fsqspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
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
import org.fsqspark.io.IdSplit;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.TokenTable;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.io.export.ExportFormat;
import org.fsqspark.io.export.ExportHeader;
import org.fsqspark.io.export.ExportKey;
import org.fsqspark.io.export.ExportLayout;
import org.fsqspark.io.export.ExportPlan;
import org.fsqspark.io.export.ExportRow;
import org.fsqspark.io.export.ExportRun;
import org.fsqspark.io.export.ExportSettings;
import org.fsqspark.io.export.ExportedShard;
import org.fsqspark.io.export.RowRules;
import org.fsqspark.io.export.ShardFiles;
import org.fsqspark.io.export.ShardWriter;
import org.fsqspark.io.export.Split;
import org.fsqspark.contract.TokenizerManifest;
import scala.Tuple2;
import org.fsqspark.error.BadDataException;

/**
 * {@code fsq export}: reads a token table's part files with the library's reader (one task per file), keys
 * every row by its split (a hash of its id) and its seeded shuffle key, sorts globally, numbers the rows and
 * sends each run of ranks to the task that writes its file, which writes and commits it
 * ({@link ShardWriter}). The header written last marks the export complete; a killed run, re-run with the
 * same settings, keeps the committed files and writes the rest.
 */
public final class ExportJob {
  /** What export writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("export",
      "train/part-*.parquet", "validation/part-*.parquet", "_rejects/part-*.parquet",
      "train/part-*.bin", "train/part-*.index.npy", "train/part-*.ids.jsonl",
      "validation/part-*.bin", "validation/part-*.index.npy", "validation/part-*.ids.jsonl",
      ShardFiles.TEMPORARY + "/**", ExportRun.FILE, ExportHeader.fileName(ExportFormat.BIN),
      ExportHeader.fileName(ExportFormat.PARQUET));
  /** The largest class index a label column may hold. */
  private static final long MAX_LABEL = 1 << 20;

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
    ExportSettings settings = config.settings();
    OutputFolder folder = OutputFolder.check(hadoop, config.output(), OUTPUT,
        config.overwrite() ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.RESUME,
        new OutputFolder.Input("--input", config.input()));
    TokenTableReader table = TokenTableReader.open(hadoop, config.input());
    String label = ExportPlan.labelColumn(table, settings);
    ExportRun run = ExportRun.of(settings, qualified(hadoop, config.input()), parts(hadoop, table));
    Path output = folder.path();
    if (folder.holdsEarlierRun()) {
      run.refuseUnlessItFinishes(hadoop, output, config.output());
      console.println("export: finishing the unfinished export in " + config.output());
    }
    folder.prepare();
    org.fsqspark.io.TextFiles.write(hadoop, new Path(output, ExportRun.FILE), run.toJson());

    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> shared = context.broadcast(new SerializableConfiguration(hadoop));
    spark.sparkContext().setJobDescription("fsq export: read " + config.input());
    JavaPairRDD<ExportKey, ExportRow> keyed = keyedRows(context, shared, table, label);
    JavaPairRDD<ExportKey, ExportRow> sorted = keyed.sortByKey(true, Math.max(1, keyed.getNumPartitions()));
    // One pass over the sorted rows counts each partition: the splits' sizes and every partition's first rank.
    List<long[]> perPartition = sorted.mapPartitions(rows -> {
      long[] counts = {0, 0, 0, -1};
      rows.forEachRemaining(row -> count(counts, row));
      return List.of(counts).iterator();
    }).collect();
    long[] counts = perPartition.stream().reduce(new long[] {0, 0, 0, -1}, ExportJob::merge);
    ExportLayout layout = ExportLayout.of(counts[0], counts[1], counts[2], settings.rowsPerFile());
    if (counts[0] + counts[1] == 0) {
      throw new BadDataException("Token table " + config.input() + " has no row that can be exported: all "
          + counts[2] + " have a grid other than the tokenizer's, tokens outside the codebook or no label for"
          + " --prefix; check it with fsq stats");
    }
    if (counts[3] >= MAX_LABEL) {
      throw new BadDataException("Column '" + label + "' holds " + counts[3] + ", not a class index (0 to "
          + (MAX_LABEL - 1) + "); name a class column with --label");
    }
    int classes = label == null ? 0 : (int) (counts[3] + 1);
    ExportPlan plan = new ExportPlan(settings, layout, table.manifest(), config.input(), label, classes);
    console.printf(Locale.ROOT, "export: %,d rows: %,d train, %,d validation, %,d rejected; %d files%n",
        layout.totalRows(), counts[0], counts[1], counts[2], layout.partitions());
    console.flush();

    spark.sparkContext().setJobDescription("fsq export: shuffle and write " + config.output());
    List<ExportedShard> shards = write(sorted, firstRanks(perPartition), plan, shared, output);
    shared.destroy();
    deleteTemporary(hadoop, output);
    double seconds = (System.nanoTime() - start) / 1e9;
    Path header = new Path(output, ExportHeader.fileName(settings.format()));
    org.fsqspark.io.TextFiles.write(hadoop, header, ExportHeader.of(plan, shards, table.rowCount(), seconds));
    report(plan, shards, seconds);
    return new Result(plan, shards, header.toString(), seconds);
  }

  private static String qualified(Configuration hadoop, String location) {
    Path path = new Path(location);
    try {
      return path.getFileSystem(hadoop).makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + location + ": " + e.getMessage(), e);
    }
  }

  private static List<ExportRun.PartFile> parts(Configuration hadoop, TokenTableReader table) {
    List<ExportRun.PartFile> parts = new ArrayList<>();
    try {
      for (Path file : table.files()) {
        parts.add(new ExportRun.PartFile(file.toString(), file.getFileSystem(hadoop).getFileStatus(file).getLen()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list token table " + table.table() + ": " + e.getMessage(), e);
    }
    return parts;
  }

  /** Every row of the table keyed by its place in the export: one task per part file. */
  private JavaPairRDD<ExportKey, ExportRow> keyedRows(JavaSparkContext context,
      Broadcast<SerializableConfiguration> shared, TokenTableReader table, String label) {
    List<String> files = table.files().stream().map(Path::toString).toList();
    TokenizerManifest manifest = table.manifest();
    String input = config.input();
    ExportSettings settings = config.settings();
    RowRules rules = new RowRules(manifest.levels().codebookSize(), manifest.gridHeight(), manifest.gridWidth(),
        settings.prefixLabel());
    List<String> passthrough = label == null ? List.of(TokenTable.HEIGHT, TokenTable.WIDTH)
        : List.of(TokenTable.HEIGHT, TokenTable.WIDTH, label);
    return context.parallelize(files, files.size()).flatMapToPair(file -> {
      TokenTableReader part = TokenTableReader.ofCheckedFiles(shared.value().value(), input,
          List.of(new Path(file)), manifest, 0);
      TokenTableReader.RowStream rows = part.rows(new IdSplit(0), IdSplit.Part.ALL, passthrough);
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) done -> rows.close());
      }
      return new KeyedRows(rows, file, rules, settings);
    });
  }

  /** A part file's rows as (key, row); a row the reader cannot read becomes a reject. */
  private static final class KeyedRows implements Iterator<Tuple2<ExportKey, ExportRow>> {
    private final TokenTableReader.RowStream rows;
    private final String source;
    private final RowRules rules;
    private final ExportSettings settings;
    private final IdSplit idSplit;

    KeyedRows(TokenTableReader.RowStream rows, String source, RowRules rules, ExportSettings settings) {
      this.rows = rows;
      this.source = source;
      this.rules = rules;
      this.settings = settings;
      this.idSplit = settings.idSplit();
    }

    private ExportRow pending;

    @Override
    public boolean hasNext() {
      if (pending == null) {
        pending = advance();
      }
      return pending != null;
    }

    private ExportRow advance() {
      try {
        return rows.hasNext() ? ExportRow.of(rows.next(), source, rules) : null;
      } catch (TokenTableReader.DamagedRowException e) {
        // The reader has consumed the damaged row; the stream goes on with the next one.
        return ExportRow.unreadable(e.id(), source, e.getMessage());
      }
    }

    @Override
    public Tuple2<ExportKey, ExportRow> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ExportRow row = pending;
      pending = null;
      return new Tuple2<>(ExportKey.of(row.split(idSplit), settings.seed(), row.id()), row);
    }
  }

  /** Adds a row to {train, validation, rejects, largest label}. */
  private static long[] count(long[] counts, Tuple2<ExportKey, ExportRow> row) {
    counts[row._1().split()]++;
    if (row._1().split() != Split.REJECTS.ordinal() && row._2().label() != null) {
      counts[3] = Math.max(counts[3], row._2().label());
    }
    return counts;
  }

  private static long[] merge(long[] a, long[] b) {
    return new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2], Math.max(a[3], b[3])};
  }

  /** The global rank of each sorted partition's first row. */
  private static long[] firstRanks(List<long[]> perPartition) {
    long[] first = new long[perPartition.size()];
    long rank = 0;
    for (int i = 0; i < first.length; i++) {
      first[i] = rank;
      long[] counts = perPartition.get(i);
      rank += counts[0] + counts[1] + counts[2];
    }
    return first;
  }

  /** Numbers the sorted rows, sends each file's run of ranks to one task and writes it. */
  private static List<ExportedShard> write(JavaPairRDD<ExportKey, ExportRow> sorted, long[] firstRanks,
      ExportPlan plan, Broadcast<SerializableConfiguration> shared, Path output) {
    String outputPath = output.toString();
    JavaRDD<Tuple2<Long, ExportRow>> ranked = sorted.values().mapPartitionsWithIndex((partition, rows) -> {
      long[] rank = {firstRanks[partition]};
      return new Iterator<Tuple2<Long, ExportRow>>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Tuple2<Long, ExportRow> next() {
          return new Tuple2<>(rank[0]++, rows.next());
        }
      };
    }, true);
    return JavaPairRDD.fromJavaRDD(ranked)
        .repartitionAndSortWithinPartitions(new LayoutPartitioner(plan.layout()))
        .mapPartitionsWithIndex((partition, rows) -> {
          String attempt = "attempt-" + (TaskContext.get() == null ? 0 : TaskContext.get().taskAttemptId());
          Iterator<ExportRow> values = new Iterator<>() {
            @Override
            public boolean hasNext() {
              return rows.hasNext();
            }

            @Override
            public ExportRow next() {
              return rows.next()._2();
            }
          };
          return List.of(ShardWriter.write(shared.value().value(), new Path(outputPath), plan, partition, attempt,
              values)).iterator();
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

  private static void deleteTemporary(Configuration hadoop, Path output) {
    try {
      Path temporary = new Path(output, ShardFiles.TEMPORARY);
      temporary.getFileSystem(hadoop).delete(temporary, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + ShardFiles.TEMPORARY + " in " + output + ": " + e.getMessage(),
          e);
    }
  }

  private void report(ExportPlan plan, List<ExportedShard> shards, double seconds) {
    long resumed = shards.stream().filter(ExportedShard::resumed).count();
    for (Split split : Split.values()) {
      List<ExportedShard> of = shards.stream().filter(shard -> shard.split() == split).toList();
      if (of.isEmpty()) {
        continue;
      }
      long bytes = of.stream().mapToLong(ExportedShard::totalBytes).sum();
      long fewest = of.stream().mapToLong(ExportedShard::rows).min().orElse(0);
      long most = of.stream().mapToLong(ExportedShard::rows).max().orElse(0);
      console.printf(Locale.ROOT, "export: %-10s %,9d rows in %d files of %,d to %,d rows, %,d bytes%n",
          split.folder(), plan.layout().rows(split), of.size(), fewest, most, bytes);
    }
    if (resumed > 0) {
      console.printf(Locale.ROOT, "export: %d of %d files were committed by the earlier run and kept%n", resumed,
          shards.size());
    }
    console.printf(Locale.ROOT, "export: %s in %.1f s%n", plan.settings().format().cliName(), seconds);
    console.flush();
  }
}

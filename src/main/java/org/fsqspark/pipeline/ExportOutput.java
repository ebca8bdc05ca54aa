package org.fsqspark.pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.Variants;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.PartVariants;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.TextFiles;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.io.export.ExportFormat;
import org.fsqspark.io.export.ExportHeader;
import org.fsqspark.io.export.ExportLayout;
import org.fsqspark.io.export.ExportPlan;
import org.fsqspark.io.export.ExportRun;
import org.fsqspark.io.export.ExportedShard;
import org.fsqspark.io.export.ShardFiles;
import org.fsqspark.io.export.Split;

/**
 * The export's folder before and after Spark: the checked table and run file it starts from, the temporary
 * files and header it ends with, and the summary it prints.
 */
public final class ExportOutput {
  /** What export writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("export",
      "train/part-*.parquet", "validation/part-*.parquet", "_rejects/part-*.parquet",
      "train/part-*.bin", "train/part-*.index.npy", "train/part-*.ids.jsonl",
      "validation/part-*.bin", "validation/part-*.index.npy", "validation/part-*.ids.jsonl",
      ShardFiles.TEMPORARY + "/**", ExportRun.FILE, ExportHeader.fileName(ExportFormat.BIN),
      ExportHeader.fileName(ExportFormat.PARQUET));

  private final Configuration hadoop;
  private final ExportConfig config;
  private final PrintWriter console;

  public ExportOutput(Configuration hadoop, ExportConfig config, PrintWriter console) {
    this.hadoop = hadoop;
    this.config = config;
    this.console = console;
  }

  /**
   * The checked input table, its label column (or null), the output folder with its run file written, and the
   * table's augmentation variants.
   */
  public record Prepared(TokenTableReader table, String label, Path output, Variants variants) {}

  /** Checks the input and output (resuming an unfinished export of the same run) and writes the run file. */
  public Prepared prepare() {
    OutputFolder folder = OutputFolder.check(hadoop, config.output(), OUTPUT,
        config.overwrite() ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.RESUME,
        new OutputFolder.Input("--input", config.input()));
    TokenTableReader table = TokenTableReader.open(hadoop, config.input());
    String label = ExportPlan.labelColumn(table, config.settings());
    Variants variants = PartVariants.ofTable(hadoop, table.files(), config.input());
    ExportRun run = ExportRun.of(config.settings(), qualified(config.input()), parts(table));
    Path output = folder.path();
    if (folder.holdsEarlierRun()) {
      run.refuseUnlessItFinishes(hadoop, output, config.output());
      console.println("export: finishing the unfinished export in " + config.output());
    }
    folder.prepare();
    TextFiles.write(hadoop, new Path(output, ExportRun.FILE), run.toJson());
    return new Prepared(table, label, output, variants);
  }

  /** The plan of the counted rows ({@link ExportCounts} per sorted partition); prints the split sizes. */
  public ExportPlan plan(Prepared prepared, List<long[]> perPartition) {
    long[] counts = perPartition.stream().reduce(ExportCounts.empty(), ExportCounts::merge);
    ExportLayout layout = ExportCounts.layout(counts, config.input(), prepared.label(),
        config.settings().rowsPerFile());
    int classes = prepared.label() == null ? 0 : (int) (counts[3] + 1);
    console.printf(Locale.ROOT, "export: %,d rows: %,d train, %,d validation, %,d rejected; %d files%n",
        layout.totalRows(), counts[0], counts[1], counts[2], layout.partitions());
    console.flush();
    if (!prepared.variants().isNone()) {
      console.printf(Locale.ROOT, "export: %d variants per image (%s); all of an id go to one split%n",
          prepared.variants().count(), String.join(", ", prepared.variants().names()));
    }
    return new ExportPlan(config.settings(), layout, prepared.table().manifest(), config.input(), prepared.label(),
        classes, prepared.variants());
  }

  /** Deletes the temporary files, writes the header that marks the export complete and prints the summary. */
  public String finish(Prepared prepared, ExportPlan plan, List<ExportedShard> shards, double seconds) {
    Path temporary = new Path(prepared.output(), ShardFiles.TEMPORARY);
    try {
      temporary.getFileSystem(hadoop).delete(temporary, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + ShardFiles.TEMPORARY + " in " + prepared.output() + ": "
          + e.getMessage(), e);
    }
    Path header = new Path(prepared.output(), ExportHeader.fileName(config.settings().format()));
    TextFiles.write(hadoop, header, ExportHeader.of(plan, shards, prepared.table().rowCount(), seconds));
    report(plan, shards, seconds);
    return header.toString();
  }

  private String qualified(String location) {
    Path path = new Path(location);
    try {
      return path.getFileSystem(hadoop).makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + location + ": " + e.getMessage(), e);
    }
  }

  private List<ExportRun.PartFile> parts(TokenTableReader table) {
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

package org.fsqspark.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.io.export.ExportFormat;
import org.fsqspark.io.export.ExportSettings;
import org.fsqspark.pipeline.ExportConfig;
import org.fsqspark.jobs.ExportJob;
import org.fsqspark.jobs.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.fsqspark.error.BadInputException;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Training-ready files from a token table.",
        "A global shuffle by --seed, a train/validation split by a hash of each id (stable when the seed changes "
            + "or the table grows), files of --rows-per-file rows (sizes within one row of each other). parquet: "
            + "one folder per split, Hugging Face datasets features in the footers. bin: little-endian uint16 "
            + "tokens (uint32 above 65,536 values) per split and file, a NumPy index (offset, grid, label), ids, "
            + "and header.json. Rows with invalid tokens go to _rejects/. A killed export, run again with the same "
            + "options, keeps the files it committed and writes the rest. A table tokenized with --variants keeps "
            + "its variant column (parquet) or a variant field in the index (bin); all variants of an id go to "
            + "the same split, and the header lists them."})
final class ExportCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "TOKENS",
      description = "Token table folder (fsq tokenize --output).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder for the export.")
  String output;

  @Option(names = "--format", required = true, paramLabel = "parquet|bin",
      description = "parquet (Hugging Face datasets, DuckDB, pyarrow) or bin (numpy.memmap).")
  String format;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
      description = "Seed of the shuffle (default: ${DEFAULT-VALUE}); the split does not depend on it.")
  long seed;

  @Option(names = "--validation", defaultValue = "0.01", paramLabel = "SHARE",
      description = "Share of ids in the validation split, between 0 and 1 (default: ${DEFAULT-VALUE}).")
  double validation;

  @Option(names = "--rows-per-file", defaultValue = "100000", paramLabel = "N",
      description = "The most rows one file holds (default: ${DEFAULT-VALUE}).")
  int rowsPerFile;

  @Option(names = "--label", defaultValue = "label", paramLabel = "COLUMN",
      description = "Integer class column to carry along when the table has it (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--prefix", paramLabel = "label",
      description = "bin only: start every row with the class token |C| + label (LlamaGen's class token).")
  String prefix;

  @Option(names = "--overwrite",
      description = "Replace an earlier export in --output: deletes only the files export writes there, and "
          + "refuses a folder that holds anything else.")
  boolean overwrite;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() {
    if (prefix != null && !prefix.equals("label")) {
      throw new BadInputException("--prefix takes 'label' (the class token), got '" + prefix + "'");
    }
    ExportSettings settings = new ExportSettings(ExportFormat.of(format), seed, validation, rowsPerFile, label,
        prefix != null);
    ExportConfig config = new ExportConfig(input, output, settings, overwrite);
    PrintWriter out = spec.commandLine().getOut();
    SparkSession spark = SparkSessions.start("fsq export", sparkOptions.settings());
    try {
      ExportJob.Result result = new ExportJob(spark, config, out).run();
      out.println("export: " + result.headerFile());
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }
}

package org.fsqspark.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.error.BadInputException;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.jobs.SparkSessions;
import org.fsqspark.pipeline.StatsConfig;
import org.fsqspark.jobs.StatsJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Codebook statistics and compression cost of a token table.",
        "Exact codebook histogram, usage, dead codes, entropy, perplexity, top codes, per-channel level "
            + "histograms and entropies, channel redundancy, and the compression cost of the tokens under "
            + "several probability models measured with a real range coder (every stream decoded back to check "
            + "it). Writes stats.json, histogram.parquet (index, count, digits) and report.html (plots "
            + "inlined) to --output."})
final class StatsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", paramLabel = "URI",
      description = "Token table folder (fsq tokenize --output); required unless --compare A B.")
  String input;

  @Option(names = "--output", required = true, paramLabel = "URI", description = "Folder for stats.json.")
  String output;

  @Option(names = "--levels", paramLabel = "L0,L1,...",
      description = "Levels, only for tables without a tokenizer manifest.")
  String levels;

  @Option(names = "--compare", arity = "1..2", paramLabel = "URI",
      description = "Report two token tables side by side (e.g. two codebook sizes, or FSQ vs VQ): --compare A B,"
          + " or --input A --compare B.")
  java.util.List<String> compare;

  @Option(names = "--variant", paramLabel = "NAME",
      description = "Measure only the rows of one augmentation variant (tokenize --variants), e.g. original or"
          + " centre; tables without a variant column hold only 'original' (default: every row). With --prior,"
          + " the prior codes that variant's rows only.")
  String variant;

  @Option(names = "--no-compression", description = "Skip the compression cost (histogram statistics only).")
  boolean noCompression;

  @Option(names = "--verify", defaultValue = "1.0", paramLabel = "FRACTION",
      description = "Share of partitions whose coded streams are decoded and compared (default: ${DEFAULT-VALUE}).")
  double verify;

  @Option(names = "--overwrite",
      description = "Replace the output of an earlier stats run in --output: deletes only the files stats writes "
          + "there, and refuses a folder that holds anything else.")
  boolean overwrite;

  @Option(names = "--prior", paramLabel = "PRIOR",
      description = "A prior folder (fsq prior train) trained on this tokenizer's tokens: adds the model 'masked "
          + "transformer', each grid coded in the M2T schedule's steps, one prior per executor JVM.")
  String prior;

  @Option(names = "--prior-steps", defaultValue = "12", paramLabel = "S",
      description = "Steps of the M2T coding schedule (default: ${DEFAULT-VALUE}, the FSQ paper's).")
  int priorSteps;

  @Option(names = "--prior-device", defaultValue = "auto", paramLabel = "auto|cpu|gpu|gpu:N",
      description = "Where executors run the prior: auto uses the GPU Spark assigned to the task, else the CPU "
          + "(default: ${DEFAULT-VALUE}).")
  String priorDevice;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() {
    String first = input;
    String second = null;
    if (compare != null && compare.size() == 2) {
      if (input != null) {
        throw new BadInputException("Give either --input A --compare B or --compare A B, not both");
      }
      first = compare.get(0);
      second = compare.get(1);
    } else if (compare != null) {
      second = compare.get(0);
    }
    if (first == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "Missing required option: '--input=URI' (or give two tables with --compare A B)");
    }
    StatsConfig config = new StatsConfig(first, second, output, levels, !noCompression, verify, overwrite, prior,
        priorSteps, priorDevice, variant);
    PrintWriter out = spec.commandLine().getOut();
    java.util.Map<String, String> settings = sparkOptions.settingsReaching(spec.commandLine().getErr(), first,
        second, output);
    TableInputCheck.beforeSpark(settings, output, StatsJob.OUTPUT, overwrite, OutputFolder.Reuse.REFUSE,
        new OutputFolder.Input("--input", first),
        new OutputFolder.Input("--compare", second));
    SparkSession spark = SparkSessions.start("fsq stats", settings);
    try {
      StatsJob.Result result = new StatsJob(spark, config, out).run();
      out.println("stats:  " + result.statsFile());
      out.println("report: " + result.reportFile());
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }
}

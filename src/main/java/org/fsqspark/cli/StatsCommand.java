package org.fsqspark.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.jobs.SparkSessions;
import org.fsqspark.jobs.StatsConfig;
import org.fsqspark.jobs.StatsJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Codebook statistics of a token table.",
        "Exact histogram, usage, entropy and perplexity.",
        "Writes stats.json to --output and prints a short table."})
final class StatsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "URI", description = "Token table folder (fsq tokenize --output).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "URI", description = "Folder for stats.json.")
  String output;

  @Option(names = "--levels", paramLabel = "L0,L1,...",
      description = "Levels, only for tables without a tokenizer manifest.")
  String levels;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() {
    StatsConfig config = new StatsConfig(input, output, levels);
    PrintWriter out = spec.commandLine().getOut();
    SparkSession spark = SparkSessions.start("fsq stats", sparkOptions.settings());
    try {
      StatsJob.Result result = new StatsJob(spark, config, out).run();
      out.println("stats: " + result.statsFile());
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }
}

package org.fsqspark.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fsqspark.fsq.Levels;
import org.fsqspark.fsq.RecommendedLevels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "levels", mixinStandardHelpOptions = true,
    description = "Suggest FSQ levels for a target codebook size (the paper's sets where published).")
final class LevelsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--codebook-size", required = true, paramLabel = "N",
      description = "Target number of codes |C|, e.g. 1000, 4096 or 64000.")
  long codebookSize;

  @Option(names = "--plain", description = "Print only the levels, e.g. 8,5,5,5 (for scripts).")
  boolean plain;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    RecommendedLevels.Suggestion suggestion = RecommendedLevels.forCodebookSize(codebookSize);
    Levels levels = suggestion.levels();
    if (plain) {
      out.println(levels);
      return 0;
    }
    out.printf(Locale.ROOT, "levels:        %s%n", levels);
    out.printf(Locale.ROOT, "codebook size: %d (target %d, %+.1f%%)%n", levels.codebookSize(), codebookSize,
        suggestion.relativeError() * 100);
    out.printf(Locale.ROOT, "channels:      %d%n", levels.channels());
    out.printf(Locale.ROOT, "source:        %s%n", suggestion.fromPaper()
        ? "FSQ paper (Mentzer et al. 2023), Table 1 / appendix"
        : "search over 5..8 levels per channel (the paper's L_i >= 5 heuristic)");
    levels.warnings().forEach(warning -> out.println("warning:       " + warning));
    return 0;
  }
}

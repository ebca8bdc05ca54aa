package org.fsqspark.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.FiniteScalarQuantizer;
import org.fsqspark.fsq.Levels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "codebook", mixinStandardHelpOptions = true,
    description = {
        "Print the implicit codebook as CSV.",
        "Columns: index, d0..d(n-1) (level digits), c0..c(n-1) (normalised codes). Rows are computed one "
            + "at a time; nothing of size |C| is held in memory."})
final class CodebookCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--levels", required = true, paramLabel = "L0,L1,...", description = "Levels, e.g. 8,5,5,5.")
  String levels;

  @Option(names = "--bound", defaultValue = "atanh", paramLabel = "BOUND",
      description = "Bound variant that defines the codes: atanh, paper, symmetric or none (default: ${DEFAULT-VALUE}).")
  String bound;

  @Option(names = "--limit", paramLabel = "N", description = "Print only the first N codes.")
  Long limit;

  @Override
  public Integer call() {
    Levels parsed = Levels.parse(levels);
    FiniteScalarQuantizer quantizer = new FiniteScalarQuantizer(parsed, Bound.parse(bound));
    PrintWriter out = spec.commandLine().getOut();
    int d = parsed.channels();
    StringBuilder header = new StringBuilder("index");
    for (int c = 0; c < d; c++) {
      header.append(",d").append(c);
    }
    for (int c = 0; c < d; c++) {
      header.append(",c").append(c);
    }
    out.println(header);
    long rows = limit == null ? parsed.codebookSize() : Math.min(limit, parsed.codebookSize());
    int[] digits = new int[d];
    StringBuilder line = new StringBuilder();
    for (int index = 0; index < rows; index++) {
      parsed.digitsOf(index, digits);
      double[] codes = quantizer.codes(index);
      line.setLength(0);
      line.append(index);
      for (int digit : digits) {
        line.append(',').append(digit);
      }
      for (double code : codes) {
        line.append(',').append(code);
      }
      out.println(line);
    }
    out.flush();
    return 0;
  }
}

package org.fsqspark.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.fsqspark.error.BadInputException;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.FiniteScalarQuantizer;
import org.fsqspark.fsq.Levels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "quantize", mixinStandardHelpOptions = true,
    description = {
        "Quantize latent vectors from stdin to token indices.",
        "Reads one comma-separated vector of d values per line and prints one index per line (or the "
            + "level digits / normalised codes with --print). Lines starting with # are skipped. Values are read "
            + "as float32, as an encoder emits them, and quantized exactly as tokenize quantizes them."})
final class QuantizeCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--levels", required = true, paramLabel = "L0,L1,...", description = "Levels, e.g. 8,5,5,5.")
  String levels;

  @Option(names = "--bound", defaultValue = "atanh", paramLabel = "BOUND",
      description = "Bound variant: atanh, paper, symmetric or none (default: ${DEFAULT-VALUE}).")
  String bound;

  @Option(names = "--print", defaultValue = "index", paramLabel = "WHAT",
      description = "What to print per vector: index, digits or codes (default: ${DEFAULT-VALUE}).")
  String print;

  @Override
  public Integer call() throws IOException {
    Levels parsed = Levels.parse(levels);
    FiniteScalarQuantizer quantizer = new FiniteScalarQuantizer(parsed, Bound.parse(bound));
    if (!print.matches("index|digits|codes")) {
      throw new BadInputException("--print must be index, digits or codes, got " + print);
    }
    PrintWriter out = spec.commandLine().getOut();
    int d = parsed.channels();
    float[] vector = new float[d];
    int[] digits = new int[d];
    BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    int number = 0;
    while ((line = reader.readLine()) != null) {
      number++;
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] parts = trimmed.split("\\s*,\\s*");
      if (parts.length != d) {
        throw new BadInputException("line " + number + ": expected " + d + " comma-separated values for levels "
            + parsed + ", got " + parts.length);
      }
      for (int c = 0; c < d; c++) {
        try {
          vector[c] = Float.parseFloat(parts[c]);
        } catch (NumberFormatException e) {
          throw new BadInputException("line " + number + ": '" + parts[c] + "' is not a number");
        }
      }
      try {
        switch (print) {
          case "digits" -> {
            quantizer.digits(vector, 0, digits);
            out.println(join(digits));
          }
          case "codes" -> out.println(join(quantizer.quantize(vector)));
          default -> out.println(quantizer.index(vector, 0));
        }
      } catch (IllegalArgumentException e) {
        throw new BadInputException("line " + number + ": " + e.getMessage(), e);
      }
    }
    out.flush();
    return 0;
  }

  private static String join(int[] values) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      text.append(i == 0 ? "" : ",").append(values[i]);
    }
    return text.toString();
  }

  private static String join(double[] values) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      text.append(i == 0 ? "" : ",").append(values[i]);
    }
    return text.toString();
  }
}

package org.fsqspark.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fsqspark.prior.PriorSampling;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.io.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Sample token grids from a prior with MaskGIT's iterative decoding, and decode them to images.",
        "Writes tokens/ (a token table with the tokenizer's manifest), images/ (one PNG per sample, made by "
            + "the tokenizer's decoder), grid.png (a row per class with --per-class) and samples.json. The same "
            + "prior, seed and settings give the same samples."})
final class PriorSampleCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--prior", required = true, paramLabel = "PRIOR", description = "Prior folder (fsq prior train).")
  Path prior;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "New or empty folder.")
  Path output;

  @Option(names = "--count", defaultValue = "16", paramLabel = "N",
      description = "Samples (per class with --per-class) (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--label", paramLabel = "K", description = "Class to sample (a prior trained with --condition).")
  Integer label;

  @Option(names = "--per-class", description = "--count samples of every class.")
  boolean perClass;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "12",
      description = "Decoding steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--temperature", paramLabel = "X", defaultValue = "1.0",
      description = "Softmax temperature of the token draws (default: ${DEFAULT-VALUE}).")
  float temperature;

  @Option(names = "--choice-temperature", paramLabel = "X", defaultValue = "4.5",
      description = "Gumbel noise on the confidence that picks which samples to keep, annealed to 0 "
          + "(MaskGIT's default) (default: ${DEFAULT-VALUE}).")
  float choiceTemperature;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
      description = "Grids per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--model", defaultValue = "default", paramLabel = "default|DIR",
      description = "The tokenizer whose decoder turns the tokens into images; must be the one the prior's "
          + "table was made with (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu|gpu:N",
      description = "Where to run (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--overwrite",
      description = "Replace earlier samples in --output (only the files fsq prior sample writes are deleted).")
  boolean overwrite;

  @Override
  public Integer call() {
    // Checked before the output folder is made: a mistyped --prior must leave nothing behind.
    if (!java.nio.file.Files.isDirectory(prior)) {
      throw new org.fsqspark.error.BadInputException("--prior " + prior + " is not a folder; pass the --output"
          + " folder of fsq prior train");
    }
    OutputFolder folder = OutputFolder.check(new org.apache.hadoop.conf.Configuration(),
        "file:" + output.toAbsolutePath(), PriorSampling.OUTPUT,
        overwrite ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.REFUSE,
        new OutputFolder.Input("--prior", "file:" + prior.toAbsolutePath()),
        new OutputFolder.Input("--model", "default".equals(model) ? null : model));
    folder.prepare();
    JvmModelCache.limitEngineThreads(Runtime.getRuntime().availableProcessors());
    PriorSampling.Settings settings = new PriorSampling.Settings(prior, model, output, count, label, perClass, steps,
        temperature, choiceTemperature, seed, batchSize);
    PriorSampling.Result result = new PriorSampling(settings, DeviceRequest.parse(device, false).resolve(null),
        spec.commandLine().getErr()).run();
    PrintWriter out = spec.commandLine().getOut();
    out.println("samples: " + result.samples());
    out.println("tokens:  " + result.tokens());
    out.println("images:  " + result.images());
    out.println("grid:    " + result.grid());
    out.flush();
    return 0;
  }
}

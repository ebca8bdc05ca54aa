package org.fsqspark.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fsqspark.io.SampleImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "samples", mixinStandardHelpOptions = true,
    description = "Write the bundled demo images (Fashion-MNIST test images, PNG, one folder per class).")
final class SamplesCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write the PNG files to.")
  Path output;

  @Option(names = "--count", defaultValue = "500", description = "How many images, at most 500 (default: ${DEFAULT-VALUE}).")
  int count;

  @Override
  public Integer call() throws Exception {
    int written = SampleImages.writePngs(output, count);
    spec.commandLine().getOut().println("wrote " + written + " sample images to " + output);
    return 0;
  }
}

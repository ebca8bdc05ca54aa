package org.fsqspark.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fsqspark.error.BadInputException;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.SampleImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "samples", mixinStandardHelpOptions = true,
    description = {
        "Write demo images as PNG files, one folder per class.",
        "By default the 500 bundled Fashion-MNIST test images; with --idx, a whole split of an IDX "
            + "dataset (e.g. the 10,000 Fashion-MNIST test images from Debian's dataset-fashion-mnist). "
            + "With --format parquet, Parquet files of id, image (PNG bytes) and label instead, which "
            + "tokenize reads with --id-column id --keep label."})
final class SamplesCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write the PNG files to.")
  Path output;

  @Option(names = "--count", paramLabel = "N", defaultValue = "0",
      description = "How many images; 0 for all (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--idx", paramLabel = "DIR",
      description = "An IDX dataset folder, e.g. /usr/share/datasets/fashion-mnist.")
  java.nio.file.Path idx;

  @Option(names = "--split", defaultValue = "t10k", paramLabel = "t10k|train",
      description = "Which split of --idx (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--overwrite",
      description = "Replace the images of an earlier samples run in --output: deletes only the PNG files samples "
          + "writes there, and refuses a folder that holds anything else.")
  boolean overwrite;

  @Option(names = "--format", defaultValue = "png", paramLabel = "png|parquet",
      description = "png: one file per image in a folder per class; parquet: files of id, image, label "
          + "(default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--rows-per-file", defaultValue = "10000", paramLabel = "N",
      description = "Rows per Parquet file with --format parquet (default: ${DEFAULT-VALUE}).")
  int rowsPerFile;

  @Override
  public Integer call() throws Exception {
    OutputFolder folder = OutputFolder.check(new org.apache.hadoop.conf.Configuration(),
        "file:" + output.toAbsolutePath(), SampleImages.OUTPUT,
        overwrite ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.REFUSE,
        new OutputFolder.Input("--idx", idx == null ? null : "file:" + idx.toAbsolutePath()));
    if (!format.equals("png") && !format.equals("parquet")) {
      throw new BadInputException("--format must be png or parquet, got " + format);
    }
    folder.prepare();
    int limit = count <= 0 ? Integer.MAX_VALUE : count;
    org.fsqspark.io.IdxImages images = idx == null ? SampleImages.bundled()
        : org.fsqspark.io.IdxImages.readSplit(idx, split);
    String prefix = idx == null ? "test" : split;
    int written = format.equals("parquet") ? SampleImages.writeParquet(images, output, limit, prefix, rowsPerFile)
        : SampleImages.writePngs(images, output, limit, prefix);
    spec.commandLine().getOut().println("wrote " + written + " sample images to " + output);
    return 0;
  }
}

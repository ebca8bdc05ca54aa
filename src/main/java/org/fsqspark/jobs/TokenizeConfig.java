package org.fsqspark.jobs;

import org.fsqspark.model.DeviceRequest;

/**
 * A tokenize run.
 *
 * @param input a folder (local, hdfs:// or s3a://) searched recursively for PNG and JPEG files
 * @param output the token table folder to create
 * @param model {@code default} for the bundled tokenizer, or a local model folder
 * @param progressSeconds interval of progress lines; 0 turns them off
 * @param partitions tasks to split the files into; 0 chooses from the file count and the cores
 */
public record TokenizeConfig(
    String input,
    String output,
    String model,
    int batchSize,
    long maxPixels,
    DeviceRequest device,
    boolean overwrite,
    int progressSeconds,
    int partitions) {

  public TokenizeConfig {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("--input is required: a folder of PNG or JPEG images");
    }
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("--output is required: the folder to write the token table to");
    }
    if (model == null || model.isBlank()) {
      model = "default";
    }
    if (batchSize <= 0 || batchSize > 65536) {
      throw new IllegalArgumentException("--batch-size must be in 1..65536, got " + batchSize);
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("--max-pixels must be positive, got " + maxPixels);
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("--partitions must be >= 0 (0 = automatic), got " + partitions);
    }
    if (progressSeconds < 0) {
      throw new IllegalArgumentException("--progress-interval must be >= 0, got " + progressSeconds);
    }
  }
}

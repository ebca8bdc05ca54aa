package org.fsqspark.pipeline;

import org.fsqspark.error.BadInputException;

/**
 * A decode run.
 *
 * @param input the token table to decode
 * @param model {@code default} or the model folder the tokens were made with
 * @param output the folder to write images (and PSNR results) to
 * @param format {@code png} (one file per image under images/) or {@code parquet} (an image table)
 * @param originals the folder the tokens were made from, to measure PSNR against; null for none
 */
public record DecodeConfig(String input, String model, String output, String format, String originals,
    int batchSize, boolean overwrite) implements java.io.Serializable {
  public DecodeConfig {
    if (input == null || input.isBlank()) {
      throw new BadInputException("--input is required: a token table written by fsq tokenize");
    }
    if (output == null || output.isBlank()) {
      throw new BadInputException("--output is required: the folder for the decoded images");
    }
    if (model == null || model.isBlank()) {
      model = "default";
    }
    if (!"png".equals(format) && !"parquet".equals(format)) {
      throw new BadInputException("--format must be png or parquet, got " + format);
    }
    if (batchSize <= 0) {
      throw new BadInputException("--batch-size must be positive, got " + batchSize);
    }
  }
}

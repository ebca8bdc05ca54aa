package org.fsqspark.pipeline;

import java.util.List;
import org.fsqspark.contract.Variants;
import org.fsqspark.error.BadInputException;
import org.fsqspark.io.InputFormat;
import org.fsqspark.model.DeviceRequest;

/**
 * A tokenize run.
 *
 * @param input a folder, file or glob (local, hdfs://, s3a://)
 * @param format the input format, or null to detect it from the files found
 * @param output the token table folder to create, or to resume
 * @param model {@code default} for the bundled tokenizer, or a model folder
 * @param keep passthrough columns to copy (null: none for Parquet, all present for WebDataset)
 * @param imageColumn the image column of Parquet input
 * @param idColumn the column holding ids in Parquet input, or null for {@code file#row}
 * @param filesPerShard image files per shard (the unit of work and of resume) for folder input; 0 = automatic
 * @param decodeThreads decode threads per task ahead of the encoder; 0 chooses from the task's cores and device
 * @param progressSeconds interval of progress lines; 0 turns them off
 * @param acceptTruncated tokenize what can be decoded of truncated or damaged image files instead of rejecting them
 * @param variants the augmentation variants tokenized per image ({@code --variants}); none by default
 */
public record TokenizeConfig(
    String input,
    InputFormat format,
    String output,
    String model,
    List<String> keep,
    String imageColumn,
    String idColumn,
    int batchSize,
    long maxPixels,
    DeviceRequest device,
    int filesPerShard,
    int decodeThreads,
    boolean overwrite,
    int progressSeconds,
    boolean acceptTruncated,
    Variants variants) {

  public TokenizeConfig {
    if (input == null || input.isBlank()) {
      throw new BadInputException("--input is required: a folder of images, Parquet files or tars");
    }
    if (output == null || output.isBlank()) {
      throw new BadInputException("--output is required: the folder to write the token table to");
    }
    if (model == null || model.isBlank()) {
      model = "default";
    }
    keep = keep == null ? null : List.copyOf(keep);
    if (imageColumn == null || imageColumn.isBlank()) {
      imageColumn = "image";
    }
    if (batchSize <= 0 || batchSize > 65536) {
      throw new BadInputException("--batch-size must be in 1..65536, got " + batchSize);
    }
    if (maxPixels <= 0) {
      throw new BadInputException("--max-pixels must be positive, got " + maxPixels);
    }
    if (filesPerShard < 0) {
      throw new BadInputException("--files-per-shard must be >= 0 (0 = automatic), got " + filesPerShard);
    }
    if (decodeThreads < 0) {
      throw new BadInputException("--decode-threads must be >= 0 (0 = automatic), got " + decodeThreads);
    }
    if (progressSeconds < 0) {
      throw new BadInputException("--progress-interval must be >= 0, got " + progressSeconds);
    }
    variants = variants == null ? Variants.NONE : variants;
  }

  /** A run without variants. */
  public TokenizeConfig(String input, InputFormat format, String output, String model, List<String> keep,
      String imageColumn, String idColumn, int batchSize, long maxPixels, DeviceRequest device, int filesPerShard,
      int decodeThreads, boolean overwrite, int progressSeconds, boolean acceptTruncated) {
    this(input, format, output, model, keep, imageColumn, idColumn, batchSize, maxPixels, device, filesPerShard,
        decodeThreads, overwrite, progressSeconds, acceptTruncated, Variants.NONE);
  }

  /** Images in a table of {@code rows} token rows: a row per variant of every image. */
  public long images(long rows) {
    return rows / variants.count();
  }

  /** {@code spec} with the variants added when there are any: absent without, so earlier runs still resume. */
  public org.fsqspark.shard.RunSpec recordVariants(org.fsqspark.shard.RunSpec spec) {
    return variants.isNone() ? spec : spec.with("variants", variants.spec());
  }

  /**
   * Adds {@code --accept-truncated} to a run's spec when it is set (a run without it records nothing, as before
   * it was recorded): shards of one table must not differ in which damaged files became rows.
   */
  public org.fsqspark.shard.RunSpec recordAcceptTruncated(org.fsqspark.shard.RunSpec spec) {
    return acceptTruncated ? spec.with("accept_truncated", true) : spec;
  }

  /**
   * Model inputs a tokenize task holds for batches of {@code batch} images: the window the decode threads fill
   * ahead (2 batches, at least 8 images) and the batch and its copy for the encoder; an image brings all its
   * variants, and a batch takes whole images, so it may hold {@code variants - 1} rows more.
   */
  public java.util.function.LongUnaryOperator heldInputs(int decodeThreads) {
    int n = variants.count();
    return batch -> n * (decodeThreads > 0 ? Math.max(2 * batch, 8) : 0) + 2 * (batch + n - 1);
  }

  public TokenizeConfig withVariants(Variants newVariants) {
    return new TokenizeConfig(input, format, output, model, keep, imageColumn, idColumn, batchSize, maxPixels, device,
        filesPerShard, decodeThreads, overwrite, progressSeconds, acceptTruncated, newVariants);
  }

  /** A config with the defaults for everything but input, output and model. */
  public static TokenizeConfig of(String input, String output, String model) {
    return new TokenizeConfig(input, null, output, model, null, "image", null, 64,
        org.fsqspark.image.ImageDecoder.DEFAULT_MAX_PIXELS, DeviceRequest.parse("auto", false),
        0, 0, false, 0, false);
  }

  public TokenizeConfig withBatchSize(int size) {
    return new TokenizeConfig(input, format, output, model, keep, imageColumn, idColumn, size, maxPixels, device,
        filesPerShard, decodeThreads, overwrite, progressSeconds, acceptTruncated, variants);
  }

  public TokenizeConfig withDevice(DeviceRequest newDevice) {
    return new TokenizeConfig(input, format, output, model, keep, imageColumn, idColumn, batchSize, maxPixels,
        newDevice, filesPerShard, decodeThreads, overwrite, progressSeconds, acceptTruncated, variants);
  }

  public TokenizeConfig withFormat(InputFormat newFormat, List<String> newKeep, String newIdColumn) {
    return new TokenizeConfig(input, newFormat, output, model, newKeep, imageColumn, newIdColumn, batchSize,
        maxPixels, device, filesPerShard, decodeThreads, overwrite, progressSeconds, acceptTruncated, variants);
  }

  public TokenizeConfig withFilesPerShard(int files) {
    return new TokenizeConfig(input, format, output, model, keep, imageColumn, idColumn, batchSize, maxPixels, device,
        files, decodeThreads, overwrite, progressSeconds, acceptTruncated, variants);
  }

  public TokenizeConfig withOverwrite(boolean newOverwrite) {
    return new TokenizeConfig(input, format, output, model, keep, imageColumn, idColumn, batchSize, maxPixels, device,
        filesPerShard, decodeThreads, newOverwrite, progressSeconds, acceptTruncated, variants);
  }
}

package org.fsqspark.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.contract.ResizePolicy;
import org.fsqspark.error.BadInputException;
import org.fsqspark.image.DecodedImage;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.ImageRejectedException;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.io.InputListing;
import org.fsqspark.io.InputRecord;
import org.fsqspark.io.ReadOptions;
import org.fsqspark.io.Shard;
import org.fsqspark.io.ShardPlan;
import org.fsqspark.io.ShardReader;

/**
 * Training images read from the same inputs tokenize reads (image folders, Parquet with an image column,
 * WebDataset tars), decoded and brought to one size in memory. Images that cannot be decoded are skipped
 * and counted.
 */
public final class DecodedTrainingImages implements TrainingImages {
  private final float[] pixels;
  private final int count;
  private final int channels;
  private final int height;
  private final int width;
  private final int skipped;

  private DecodedTrainingImages(float[] pixels, int count, int channels, int height, int width, int skipped) {
    this.pixels = pixels;
    this.count = count;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.skipped = skipped;
  }

  /** Reads every image under {@code input}, at most {@code limit} (0 = all). */
  public static DecodedTrainingImages load(Configuration conf, String input, String imageColumn, int channels,
      int height, int width, int limit) {
    ShardPlan plan = ShardPlan.of(InputListing.list(conf, input, null), 0);
    Preprocessor preprocessor = new Preprocessor(channels, height, width, ResizePolicy.CENTER_CROP, 0, 1);
    ImageDecoder decoder = new ImageDecoder();
    ReadOptions options = new ReadOptions(imageColumn, null, List.of(), ReadOptions.DEFAULT_MAX_IMAGE_BYTES);
    List<float[]> images = new ArrayList<>();
    int skipped = 0;
    try {
      for (Shard shard : plan.shards()) {
        try (ShardReader reader = ShardReader.open(shard, plan.listing().root(), conf, options)) {
          while (reader.hasNext() && (limit <= 0 || images.size() < limit)) {
            InputRecord record = reader.next();
            try {
              DecodedImage image = decoder.decode(record.bytes().read(), record.source());
              float[] values = new float[preprocessor.valuesPerImage()];
              preprocessor.write(image, values, 0);
              images.add(values);
            } catch (InputRecord.UnreadableInputException | ImageRejectedException e) {
              skipped++;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read training images from " + input, e);
    }
    if (images.isEmpty()) {
      throw new BadInputException("No decodable images under " + input);
    }
    int per = preprocessor.valuesPerImage();
    float[] pixels = new float[images.size() * per];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, pixels, i * per, per);
    }
    return new DecodedTrainingImages(pixels, images.size(), channels, height, width, skipped);
  }

  /** Images that could not be decoded and were left out. */
  public int skipped() {
    return skipped;
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public void write(int index, float[] out, int offset) {
    System.arraycopy(pixels, index * valuesPerImage(), out, offset, valuesPerImage());
  }
}

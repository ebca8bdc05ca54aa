package org.fsqspark.pipeline;

import java.io.Serializable;
import java.util.Map;
import org.fsqspark.contract.Variants;
import org.fsqspark.io.ReadOptions;
import org.fsqspark.model.DeviceRequest;

/**
 * What every tokenize task needs besides its shard and the model.
 *
 * @param root the input folder ids are relative to
 * @param output the token table being written
 * @param decodeThreads decode threads ahead of the encoder; 0 chooses from the task's cores and device
 * @param footer the Parquet footer of every token file (the manifest, Spark's schema)
 * @param variants the augmentation variants written per image ({@code --variants})
 */
public record TokenizeSettings(String root, String output, int batchSize, long maxPixels, boolean acceptTruncated,
    int decodeThreads, DeviceRequest device, ReadOptions read, Map<String, String> footer, Variants variants) implements Serializable {
  public TokenizeSettings {
    footer = Map.copyOf(footer);
    variants = variants == null ? Variants.NONE : variants;
  }

  public TokenizeSettings(String root, String output, int batchSize, long maxPixels, boolean acceptTruncated,
      int decodeThreads, DeviceRequest device, ReadOptions read, Map<String, String> footer) {
    this(root, output, batchSize, maxPixels, acceptTruncated, decodeThreads, device, read, footer, Variants.NONE);
  }
}

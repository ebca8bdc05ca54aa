package org.fsqspark.pipeline;

import java.io.Serializable;
import org.fsqspark.model.DeviceRequest;

/**
 * What every decode task needs besides its part file and the model.
 *
 * @param format {@code png} (a file per image under images/) or {@code parquet} (an image table)
 * @param originals the folder the tokens were made from, as a location ids are resolved against; null for none
 */
public record DecodeSettings(String output, String format, String originals, int batchSize, DeviceRequest device)
    implements Serializable {
  public boolean parquet() {
    return "parquet".equals(format);
  }
}

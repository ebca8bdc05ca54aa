package org.fsqspark.pipeline;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.Serializable;
import java.util.List;
import org.fsqspark.shard.ShardResult;

/**
 * What decoding one part file did; its counts are also the part's commit marker, so that a resumed run can
 * total the parts an earlier run committed.
 *
 * @param rejected token rows the model cannot decode, written to {@code _rejects/} with the reason
 * @param compared images whose originals were found and compared
 * @param psnrSum the sum of their PSNRs in dB
 * @param missingOriginals images whose original could not be read or decoded
 * @param samples the compared images with the smallest ids (at most {@link PartDecoder#SAMPLES}), for the grid
 */
public record DecodeShardResult(String shard, boolean committed, long images, long rejected, long compared,
    double psnrSum, long missingOriginals, List<Sample> samples) implements ShardResult {
  /** An original (preprocessed) and its reconstruction, both as [0, 1] CHW planes, for the comparison grid. */
  public record Sample(String id, float[] original, float[] reconstruction) implements Serializable {}

  public DecodeShardResult {
    samples = List.copyOf(samples);
  }

  /** The counts as the marker file's JSON. */
  String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("images", images);
    root.addProperty("rejected", rejected);
    root.addProperty("compared", compared);
    root.addProperty("psnr_sum", psnrSum);
    root.addProperty("missing_originals", missingOriginals);
    return root + "\n";
  }

  /** The counts a committed part's marker holds (no samples). */
  public static DecodeShardResult fromMarker(String shard, String json) {
    JsonObject root = JsonParser.parseString(json).getAsJsonObject();
    return new DecodeShardResult(shard, true, root.get("images").getAsLong(), root.get("rejected").getAsLong(),
        root.get("compared").getAsLong(), root.get("psnr_sum").getAsDouble(),
        root.get("missing_originals").getAsLong(), List.of());
  }
}

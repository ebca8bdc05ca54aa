package org.fsqspark.pipeline;

import org.fsqspark.shard.ShardResult;

/**
 * What one tokenize shard did.
 *
 * @param truncatedAccepted tokenized images whose files were truncated or damaged (--accept-truncated)
 * @param committed false when another attempt of the same shard had already committed its identical output, or
 *     when the driver's head start did the shard
 * @param firstEncodedAtMillis wall-clock time (epoch ms) when this shard's first batch came out of the encoder;
 *     -1 when it encoded nothing
 */
public record TokenizeShardResult(int index, String shard, long tokenized, long rejected, long truncatedAccepted,
    boolean committed, double seconds, String device, long firstEncodedAtMillis) implements ShardResult {
  /** A task's result for a shard that the driver's head start had claimed: the head start reports its rows. */
  static TokenizeShardResult doneElsewhere(int index, String shard) {
    return new TokenizeShardResult(index, shard, 0, 0, 0, false, 0, "driver", -1);
  }
}

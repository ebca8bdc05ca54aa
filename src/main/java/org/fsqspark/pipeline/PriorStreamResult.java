package org.fsqspark.pipeline;

import org.fsqspark.shard.ShardResult;
import org.fsqspark.stats.CompressionCost;

/** The masked transformer's coded bytes, ideal bits and verified tokens of one stream; stats writes no shard files. */
public record PriorStreamResult(String shard, CompressionCost cost) implements ShardResult {
  @Override
  public boolean committed() {
    return true;
  }
}

package org.fsqspark.shard;

import java.io.Serializable;

/** What every shard's result says besides its own figures: which shard, and whether this attempt committed it. */
public interface ShardResult extends Serializable {
  /** The shard's name, e.g. {@code part-00042}. */
  String shard();

  /** False when another attempt of the same shard had committed first; then this result's figures are not counted. */
  boolean committed();
}

package org.fsqspark.jobs;

import java.io.Serializable;

/**
 * What one shard task did.
 *
 * @param committed false when another attempt of the same shard had already committed its identical output
 */
public record ShardResult(int index, String name, long tokenized, long rejected, boolean committed, double seconds,
    String device) implements Serializable {}

package org.fsqspark.jobs;

import java.io.Serializable;

/**
 * What one shard task did.
 *
 * @param truncatedAccepted tokenized images whose files were truncated or damaged (--accept-truncated)
 * @param committed false when another attempt of the same shard had already committed its identical output
 * @param firstEncodedAtMillis wall-clock time (epoch ms) when this shard's first batch came out of the encoder;
 *     -1 when it encoded nothing
 */
public record ShardResult(int index, String name, long tokenized, long rejected, long truncatedAccepted,
    boolean committed, double seconds, String device, long firstEncodedAtMillis) implements Serializable {}

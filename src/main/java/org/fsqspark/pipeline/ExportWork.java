package org.fsqspark.pipeline;

import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.export.ExportPlan;
import org.fsqspark.io.export.ExportRow;
import org.fsqspark.io.export.ExportedShard;
import org.fsqspark.io.export.ShardWriter;
import org.fsqspark.shard.PartitionWork;
import org.fsqspark.shard.ShardContext;
import org.fsqspark.shard.ShardSource;

/**
 * Export, executor side: the two ends of the shuffle. Before it, one part file of the table is read as export
 * rows ({@link Read}); after it, one file of the layout is written from its rows in rank order and committed
 * ({@link Write}). The seeded global shuffle between them is Spark's sort, in the job.
 */
public final class ExportWork {
  private ExportWork() {}

  /** One part file's rows; {@code label} is the class column or null. */
  public record Read(String input, TokenizerManifest manifest, String label, boolean prefixLabel)
      implements ShardSource<String, ExportRow> {
    private static final long serialVersionUID = 1L;

    @Override
    public ExportRows open(String file, ShardContext context) {
      return ExportRows.open(context.hadoop(), input, file, manifest, label, prefixLabel);
    }
  }

  /** One file of {@code plan}'s layout (partition {@code partition}), written under {@code output}. */
  public record Write(String output, ExportPlan plan) implements PartitionWork<ExportRow, ExportedShard> {
    private static final long serialVersionUID = 1L;

    @Override
    public ExportedShard process(int partition, Iterator<ExportRow> rows, ShardContext context) throws IOException {
      return ShardWriter.write(context.hadoop(), new Path(output), plan, partition, "attempt-" + context.attempt(),
          rows);
    }
  }
}

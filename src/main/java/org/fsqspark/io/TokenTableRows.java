package org.fsqspark.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The token and reject rows of a tokenize output, shard by shard. */
public final class TokenTableRows {
  private TokenTableRows() {}

  /**
   * Token and reject rows of every shard, as {@code {tokens, rejects}}: from {@code known} (this run's results)
   * where it has the shard, else from the footers of the shard's committed files.
   *
   * @throws IllegalStateException when a shard has no committed token file
   */
  public static long[] count(Configuration conf, Path output, List<String> shards, Map<String, long[]> known) {
    long tokens = 0;
    long rejects = 0;
    try {
      FileSystem fs = output.getFileSystem(conf);
      for (String shard : shards) {
        long[] rows = known.get(shard);
        if (rows != null) {
          tokens += rows[0];
          rejects += rows[1];
          continue;
        }
        Path tokenFile = new Path(output, shard + ".parquet");
        if (!fs.exists(tokenFile)) {
          throw new IllegalStateException("Shard " + shard + " was not committed; run the same command again to"
              + " finish it");
        }
        tokens += TokenTable.rowCount(conf, tokenFile);
        Path rejectFile = new Path(new Path(output, TokenTable.REJECTS_DIR), shard + ".parquet");
        if (fs.exists(rejectFile)) {
          rejects += TokenTable.rowCount(conf, rejectFile);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot count the rows of " + output, e);
    }
    return new long[] {tokens, rejects};
  }
}

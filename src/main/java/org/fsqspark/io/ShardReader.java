package org.fsqspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;

/** Reads the records of one shard in a stable order; one implementation per {@link InputFormat}. */
public interface ShardReader extends Iterator<InputRecord>, Closeable {
  /** Opens the reader for a shard; {@code root} is the input folder ids are relative to. */
  static ShardReader open(Shard shard, String root, Configuration conf, ReadOptions options) throws IOException {
    return switch (shard.format()) {
      case FOLDER -> new FolderShardReader(shard, root, conf, options);
      case PARQUET -> new ParquetShardReader(shard, conf, options);
      case WDS -> new TarShardReader(shard, conf, options);
    };
  }

  @Override
  default void close() throws IOException {
  }
}

package org.fsqspark.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Local files written with java.nio instead of Hadoop's local file system, which sets the permissions of
 * every new file by starting a {@code chmod} process when Hadoop's native library is absent (as it usually
 * is): that costs more than writing a small shard file.
 */
public final class LocalFiles {
  private LocalFiles() {}

  /** The local file behind {@code file}, or null when it lives on another file system (HDFS, S3, ...). */
  public static java.nio.file.Path localPath(Path file, Configuration conf) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      return java.nio.file.Path.of(fs.makeQualified(file).toUri());
    }
    return null;
  }
}

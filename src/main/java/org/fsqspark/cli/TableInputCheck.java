package org.fsqspark.cli;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.io.TableManifest;

/**
 * Checks a local token table before Spark starts: a missing or empty folder, a folder of images or part files
 * of two tokenizers are a one-line error in well under a second instead of after Spark's start-up. Tables on
 * HDFS or S3 are checked by the job itself, with Spark's Hadoop settings and credentials.
 */
final class TableInputCheck {
  private static final String HADOOP_PREFIX = "spark.hadoop.";

  private TableInputCheck() {}

  /** Reads the footers of {@code table} when it is local; throws what {@link TableManifest#read} throws. */
  static void beforeSpark(String table, Map<String, String> settings) {
    if (table == null) {
      return;
    }
    Configuration conf = new Configuration();
    settings.forEach((key, value) -> {
      if (key.startsWith(HADOOP_PREFIX)) {
        conf.set(key.substring(HADOOP_PREFIX.length()), value);
      }
    });
    String scheme = new Path(table).toUri().getScheme();
    boolean local = scheme == null ? "file".equals(FileSystem.getDefaultUri(conf).getScheme()) : "file".equals(scheme);
    if (local) {
      TableManifest.read(conf, table);
    }
  }
}

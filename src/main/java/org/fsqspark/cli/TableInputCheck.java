package org.fsqspark.cli;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.TableManifest;

/**
 * Checks a local token table before Spark starts: a missing or empty folder, a folder of images or part files
 * of two tokenizers are a one-line error in well under a second instead of after Spark's start-up. Tables on
 * HDFS or S3 are checked by the job itself, with Spark's Hadoop settings and credentials.
 */
final class TableInputCheck {
  private static final String HADOOP_PREFIX = "spark.hadoop.";

  private TableInputCheck() {}

  /**
   * Checks a local {@code output} first (the Safety rule: the output is checked before anything is read), then
   * reads the footers of each local table; throws what {@link OutputFolder#check} and {@link TableManifest#read}
   * throw. The job checks both again with Spark's configuration. {@code reuse} is what the job does with an
   * earlier run's output when {@code overwrite} is off (decode resumes it, stats refuses it).
   */
  static void beforeSpark(Map<String, String> settings, String output, OutputKind kind, boolean overwrite,
      OutputFolder.Reuse reuse, OutputFolder.Input... tables) {
    Configuration conf = new Configuration();
    settings.forEach((key, value) -> {
      if (key.startsWith(HADOOP_PREFIX)) {
        conf.set(key.substring(HADOOP_PREFIX.length()), value);
      }
    });
    boolean allLocal = isLocal(output, conf);
    for (OutputFolder.Input table : tables) {
      allLocal &= table.location() == null || isLocal(table.location(), conf);
    }
    if (allLocal && output != null) {
      OutputFolder.check(conf, output, kind, overwrite ? OutputFolder.Reuse.REPLACE : reuse,
          tables);
    }
    for (OutputFolder.Input table : tables) {
      if (table.option().equals("--input") || table.option().equals("--compare")) {
        if (table.location() != null && isLocal(table.location(), conf)) {
          TableManifest.read(conf, table.location());
        }
      }
    }
  }

  private static boolean isLocal(String location, Configuration conf) {
    if (location == null) {
      return true;
    }
    String scheme = new Path(location).toUri().getScheme();
    return scheme == null ? "file".equals(FileSystem.getDefaultUri(conf).getScheme()) : "file".equals(scheme);
  }
}

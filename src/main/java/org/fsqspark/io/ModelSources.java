package org.fsqspark.io;

import org.apache.hadoop.conf.Configuration;

/** Where a job's {@code --model} comes from: the bundled default, a local folder, or a folder on shared storage. */
public final class ModelSources {
  /** The {@code --model} value of the bundled tokenizer. */
  public static final String DEFAULT = "default";

  private ModelSources() {}

  /**
   * The model named by {@code location}: the bundled default, a folder on storage every executor reads
   * (hdfs://, s3a://), or a local folder, whose files are shipped to the executors.
   */
  public static ModelSource open(Configuration conf, String location) {
    if (DEFAULT.equals(location)) {
      return ModelPackage.bundledDefault();
    }
    if (SharedModelFolder.isShared(location)) {
      return SharedModelFolder.open(conf, location);
    }
    String local = location.startsWith("file:") ? java.net.URI.create(location).getPath() : location;
    return ModelPackage.of(ModelFolder.open(java.nio.file.Path.of(local)));
  }

  /** How a user named the model, for messages. */
  public static String describe(String location) {
    return DEFAULT.equals(location) ? "default (bundled)" : location;
  }

  /** The model folder a job reads, to keep its output out of it; null for the bundled default. */
  public static String folder(String location) {
    return DEFAULT.equals(location) ? null : location;
  }
}

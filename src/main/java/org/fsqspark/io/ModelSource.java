package org.fsqspark.io;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Where executors get a model from: its bytes shipped in a broadcast ({@link ModelPackage}), or a folder on
 * storage every executor can read (hdfs://, s3a://), fetched once per JVM. Small and serializable either way.
 */
public interface ModelSource extends Serializable {
  /** Identifies the model; equal keys mean equal files, so a JVM loads each key once. */
  String key();

  /** The {@code tokenizer.json} text. */
  String manifestJson();

  /** Puts the files in a new local folder under {@code parent} and opens it (checksums verified). */
  ModelFolder materialize(Path parent);
}

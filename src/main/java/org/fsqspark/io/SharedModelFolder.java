package org.fsqspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;

/**
 * A model folder on storage every executor can read (hdfs://, s3a://, a shared mount given as a URI):
 * the driver reads only the manifest, each executor JVM copies the files to local disk once. Use it for
 * models too large to ship in a broadcast.
 */
public final class SharedModelFolder implements ModelSource {
  private static final long serialVersionUID = 1L;

  private final String uri;
  private final String manifestJson;
  private final String key;
  private final HadoopConfiguration conf;

  private SharedModelFolder(String uri, String manifestJson, String key, HadoopConfiguration conf) {
    this.uri = uri;
    this.manifestJson = manifestJson;
    this.key = key;
    this.conf = conf;
  }

  /** True for model locations with a scheme other than {@code file}, e.g. {@code s3a://bucket/models/x}. */
  public static boolean isShared(String location) {
    int colon = location.indexOf("://");
    return colon > 0 && !location.startsWith("file:");
  }

  /** Reads and checks the manifest on the driver; the weights must exist beside it. */
  public static SharedModelFolder open(Configuration conf, String uri) {
    Path folder = new Path(uri);
    Path manifestFile = new Path(folder, TokenizerManifest.FILE_NAME);
    try {
      FileSystem fs = folder.getFileSystem(conf);
      if (!fs.exists(manifestFile)) {
        throw new BadInputException("Model folder " + uri + " has no " + TokenizerManifest.FILE_NAME);
      }
      String json;
      try (InputStream in = fs.open(manifestFile)) {
        json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      TokenizerManifest manifest = TokenizerManifest.fromJson(json, manifestFile.toString());
      Path weights = new Path(folder, manifest.weights());
      if (!fs.exists(weights)) {
        throw new BadInputException("Weights " + weights + " named by " + manifestFile + " do not exist");
      }
      long version = fs.getFileStatus(weights).getModificationTime();
      String identity = manifest.sha256() != null ? manifest.sha256() : Long.toString(version);
      return new SharedModelFolder(uri, json, manifest.name() + "-" + identity, new HadoopConfiguration(conf));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read model folder " + uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public String manifestJson() {
    return manifestJson;
  }

  @Override
  public ModelFolder materialize(java.nio.file.Path parent) {
    TokenizerManifest manifest = TokenizerManifest.fromJson(manifestJson, uri);
    try {
      Files.createDirectories(parent);
      java.nio.file.Path directory = Files.createTempDirectory(parent, "model-");
      Files.writeString(directory.resolve(TokenizerManifest.FILE_NAME), manifestJson, StandardCharsets.UTF_8);
      for (String name : manifest.files()) {
        Path file = new Path(new Path(uri), name);
        FileSystem fs = file.getFileSystem(conf.get());
        if (!name.equals(manifest.weights()) && !fs.exists(file)) {
          continue;
        }
        try (InputStream in = fs.open(file)) {
          Files.copy(in, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return ModelFolder.open(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot fetch model " + uri + " to " + parent + ": " + e.getMessage(), e);
    }
  }
}

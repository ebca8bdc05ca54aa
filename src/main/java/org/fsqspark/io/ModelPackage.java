package org.fsqspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fsqspark.contract.TokenizerManifest;

/**
 * The bytes of a model folder, so the driver can ship a model to executors in a broadcast variable
 * (Spark 4 does not make {@code addFile} files visible inside Dataset operations on separate executors).
 */
public final class ModelPackage implements ModelSource {
  private static final long serialVersionUID = 1L;
  private static final String DEFAULT_RESOURCE = "/org/fsqspark/model/default/";

  private final String key;
  private final Map<String, byte[]> files;

  private ModelPackage(String key, Map<String, byte[]> files) {
    this.key = key;
    this.files = files;
  }

  /** Packs the manifest and weights of an opened folder. */
  public static ModelPackage of(ModelFolder folder) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try {
      files.put(TokenizerManifest.FILE_NAME, Files.readAllBytes(folder.directory().resolve(TokenizerManifest.FILE_NAME)));
      for (String name : folder.manifest().files()) {
        java.nio.file.Path file = folder.directory().resolve(name);
        if (Files.exists(file)) {
          files.put(name, Files.readAllBytes(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read model folder " + folder.directory(), e);
    }
    String identity = folder.manifest().sha256() != null ? folder.manifest().sha256()
        : Integer.toHexString(java.util.Arrays.hashCode(files.get(folder.manifest().weights())));
    return new ModelPackage(folder.manifest().name() + "-" + identity, files);
  }

  /** The bundled default tokenizer, read from this jar. */
  public static ModelPackage bundledDefault() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    byte[] manifestBytes = resource(TokenizerManifest.FILE_NAME);
    TokenizerManifest manifest = TokenizerManifest.fromJson(new String(manifestBytes, java.nio.charset.StandardCharsets.UTF_8),
        "bundled default " + DEFAULT_RESOURCE + TokenizerManifest.FILE_NAME);
    files.put(TokenizerManifest.FILE_NAME, manifestBytes);
    for (String name : manifest.files()) {
      files.put(name, resource(name));
    }
    return new ModelPackage("default-" + manifest.sha256(), files);
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public String manifestJson() {
    return new String(files.get(TokenizerManifest.FILE_NAME), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Total bytes shipped. */
  public long size() {
    return files.values().stream().mapToLong(bytes -> bytes.length).sum();
  }

  @Override
  public ModelFolder materialize(Path parent) {
    try {
      Files.createDirectories(parent);
      Path directory = Files.createTempDirectory(parent, "model-");
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Files.write(directory.resolve(file.getKey()), file.getValue());
      }
      return ModelFolder.open(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write model " + key + " under " + parent, e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = ModelPackage.class.getResourceAsStream(DEFAULT_RESOURCE + name)) {
      if (in == null) {
        throw new IllegalStateException("The bundled default model is missing " + DEFAULT_RESOURCE + name
            + " from the classpath; rebuild with scripts/train-default or mvn package");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read bundled resource " + name, e);
    }
  }
}

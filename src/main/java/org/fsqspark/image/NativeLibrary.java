package org.fsqspark.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Loads a native library that travels inside a jar on the class path, offline, on the driver and on every
 * executor. The library is copied once into a cache folder under a name made of its CRC-32 and size, and every
 * later JVM on the machine loads that copy instead of unpacking tens of megabytes again; a copy is written
 * under a temporary name and renamed into place, so JVMs starting together never load a half-written file,
 * and nothing is left behind per JVM (unlike a temporary folder per process, which a killed JVM never
 * removes). The folder is {@code -Dfsq.native.dir}, else {@code java.io.tmpdir/fsq-natives-USER}.
 */
final class NativeLibrary {
  static final String DIRECTORY_PROPERTY = "fsq.native.dir";

  private NativeLibrary() {}

  /** Copies the class-path resource {@code resource} into the cache (unless there already) and loads it. */
  static Path load(String resource) throws IOException {
    Path file = cached(resource);
    System.load(file.toAbsolutePath().toString());
    return file;
  }

  static Path cacheDirectory() {
    String configured = System.getProperty(DIRECTORY_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "fsq-natives-" + user);
  }

  private static Path cached(String resource) throws IOException {
    URL url = NativeLibrary.class.getResource(resource);
    if (url == null) {
      throw new IOException("the class path has no " + resource);
    }
    String name = resource.substring(resource.lastIndexOf('/') + 1);
    Path directory = Files.createDirectories(cacheDirectory());
    Path target = directory.resolve(fingerprint(url) + "-" + name);
    if (Files.isRegularFile(target)) {
      return target;
    }
    Path partial = Files.createTempFile(directory, name, ".partial");
    try {
      try (InputStream in = url.openStream()) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // Another JVM put the same bytes there first, or the folder cannot rename atomically.
        if (!Files.isRegularFile(target)) {
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } finally {
      Files.deleteIfExists(partial);
    }
    return target;
  }

  /** CRC-32 and size from the jar's directory when the resource is in a jar (no need to read it), else of its bytes. */
  private static String fingerprint(URL url) throws IOException {
    URLConnection connection = url.openConnection();
    if (connection instanceof JarURLConnection jar && jar.getJarEntry() != null && jar.getJarEntry().getCrc() >= 0) {
      return String.format(Locale.ROOT, "%08x-%d", jar.getJarEntry().getCrc(), jar.getJarEntry().getSize());
    }
    CRC32 crc = new CRC32();
    long size = 0;
    try (InputStream in = url.openStream()) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; size += n) {
        crc.update(buffer, 0, n);
      }
    }
    return String.format(Locale.ROOT, "%08x-%d", crc.getValue(), size);
  }
}

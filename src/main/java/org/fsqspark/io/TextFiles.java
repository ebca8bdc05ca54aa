package org.fsqspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Small side files of an output (manifests, run and job summaries, stats.json, report.html) on any file system. */
public final class TextFiles {
  private TextFiles() {}

  /** Writes {@code text} as UTF-8, replacing an older file; a local file is never seen half-written. */
  public static void write(Configuration conf, Path file, String text) {
    try {
      java.nio.file.Path local = LocalFiles.localPath(file, conf);
      if (local != null) {
        // Written beside its final name and moved there, so no reader ever sees half of it.
        Files.createDirectories(local.getParent());
        java.nio.file.Path temporary = local.resolveSibling("." + local.getFileName() + ".tmp");
        Files.writeString(temporary, text);
        try {
          Files.move(temporary, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, local, StandardCopyOption.REPLACE_EXISTING);
        }
        return;
      }
      FileSystem fs = file.getFileSystem(conf);
      try (var out = fs.create(file, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** The UTF-8 text of a file. */
  public static String read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

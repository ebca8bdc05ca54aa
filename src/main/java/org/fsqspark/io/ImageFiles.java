package org.fsqspark.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Lists the image files under a folder on any Hadoop file system (local, hdfs://, s3a://), recursively,
 * in a stable order. Zero-byte files are kept: they are bad inputs to report, not to skip silently.
 */
public final class ImageFiles {
  /** Extensions read as images (case-insensitive). */
  public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg");

  /** One listed file. */
  public record Entry(String path, long length) {}

  private ImageFiles() {}

  /** The fully qualified URI of {@code input}; throws with a hint when it does not exist. */
  public static String qualifiedRoot(Configuration conf, String input) {
    Path path = new Path(input);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new IllegalArgumentException("Input " + input + " does not exist; pass a folder of PNG or JPEG images");
      }
      return fs.makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read input " + input, e);
    }
  }

  /** All image files under {@code root} (or {@code root} itself when it is a file), sorted by path. */
  public static List<Entry> list(Configuration conf, String root) {
    List<Entry> entries = new ArrayList<>();
    try {
      FileSystem fs = new Path(root).getFileSystem(conf);
      Path path = fs.makeQualified(new Path(root));
      FileStatus status = fs.getFileStatus(path);
      if (status.isFile()) {
        entries.add(new Entry(fs.makeQualified(path).toString(), status.getLen()));
        return entries;
      }
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(path, true);
      while (files.hasNext()) {
        LocatedFileStatus file = files.next();
        if (file.isFile() && isImage(file.getPath().getName()) && !isHidden(path, file.getPath())) {
          entries.add(new Entry(file.getPath().toString(), file.getLen()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root, e);
    }
    entries.sort(java.util.Comparator.comparing(Entry::path));
    return entries;
  }

  static boolean isImage(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Files and folders starting with '.' or '_' are metadata by Hadoop convention (e.g. _SUCCESS, .staging). */
  private static boolean isHidden(Path root, Path file) {
    String relative = file.toUri().getPath().substring(Math.min(file.toUri().getPath().length(),
        root.toUri().getPath().length()));
    for (String part : relative.split("/")) {
      if (part.startsWith(".") || part.startsWith("_")) {
        return true;
      }
    }
    return false;
  }
}

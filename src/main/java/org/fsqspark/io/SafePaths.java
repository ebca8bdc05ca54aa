package org.fsqspark.io;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;

/**
 * File names made from data (image ids, tar keys) that can never leave their output folder: every path
 * component that could climb or jump ({@code ..}, {@code .}, empty, absolute, drive letters) is neutralised.
 * Other characters are kept, so a PNG is named like its id ({@code img#1.png}, {@code a b.png}, {@code bad\xFF.png}).
 */
public final class SafePaths {
  private SafePaths() {}

  /** {@code root/<id as relative path><suffix>}, guaranteed to be inside {@code root}. */
  public static Path under(Path root, String id, String suffix) {
    List<String> parts = new ArrayList<>();
    // A backslash is an ordinary character of a name on Linux, HDFS and S3, and ids use it for escapes
    // (FileNames); the check at the end still stops any path that would resolve outside the root.
    for (String part : id.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      String safe = part.equals("..") ? "_up_" : part.replace(':', '_');
      parts.add(safe.length() > 200 ? safe.substring(0, 200) : safe);
    }
    if (parts.isEmpty()) {
      parts.add("_empty_id_");
    }
    Path path = root;
    for (int i = 0; i < parts.size(); i++) {
      path = new Path(path, i == parts.size() - 1 ? parts.get(i) + suffix : parts.get(i));
    }
    String rootText = root.toUri().getPath();
    if (!path.toUri().getPath().startsWith(rootText.endsWith("/") ? rootText : rootText + "/")) {
      throw new IllegalStateException("Id " + id + " would be written outside " + root);
    }
    return path;
  }
}

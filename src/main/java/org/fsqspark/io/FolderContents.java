package org.fsqspark.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.error.BadInputException;

/** What an output folder holds, judged against what its job writes; and deleting the job's own files. */
final class FolderContents {
  private final Configuration hadoop;
  private final Path path;
  private final OutputKind kind;

  FolderContents(Configuration hadoop, Path path, OutputKind kind) {
    this.hadoop = hadoop;
    this.path = path;
    this.kind = kind;
  }

  List<String> topLevelNames() throws IOException {
    java.nio.file.Path local = localFolder();
    if (local != null) {
      try (Stream<java.nio.file.Path> children = Files.list(local)) {
        return children.map(child -> shown(child.getFileName().toString())
            + (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) ? "/" : "")).sorted().toList();
      }
    }
    FileSystem fs = path.getFileSystem(hadoop);
    return Arrays.stream(fs.listStatus(path))
        .map(status -> shown(status.getPath().getName()) + (status.isDirectory() ? "/" : "")).sorted().toList();
  }

  OutputMarker readMarker() throws IOException {
    Path marker = new Path(path, OutputFolder.MARKER_FILE);
    FileSystem fs = marker.getFileSystem(hadoop);
    try (InputStream in = fs.open(marker)) {
      byte[] bytes = in.readNBytes(OutputFolder.MARKER_MAX_BYTES);
      return OutputMarker.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** Paths under the output that the job does not write; a foreign folder is named once, not file by file. */
  List<String> foreignPaths() throws IOException {
    List<String> foreign = new ArrayList<>();
    java.nio.file.Path local = localFolder();
    if (local != null) {
      // Symbolic links are not followed: a link is judged by its own name and deleted as a link.
      Files.walkFileTree(local, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(java.nio.file.Path dir, BasicFileAttributes attributes) {
          if (dir.equals(local)) {
            return FileVisitResult.CONTINUE;
          }
          String relative = relative(local, dir);
          if (!kind.ownsFolder(relative)) {
            foreign.add(shown(relative) + "/");
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attributes) {
          String relative = relative(local, file);
          if (!kind.ownsFile(relative)) {
            foreign.add(shown(relative));
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } else {
      collectForeign(path.getFileSystem(hadoop), path, "", foreign);
    }
    foreign.sort(null);
    return foreign;
  }

  private void collectForeign(FileSystem fs, Path folder, String prefix, List<String> foreign) throws IOException {
    for (FileStatus child : fs.listStatus(folder)) {
      String relative = prefix + child.getPath().getName();
      if (child.isDirectory()) {
        if (kind.ownsFolder(relative)) {
          collectForeign(fs, child.getPath(), relative + "/", foreign);
        } else {
          foreign.add(shown(relative) + "/");
        }
      } else if (!kind.ownsFile(relative)) {
        foreign.add(shown(relative));
      }
    }
  }

  /** Deletes every entry but the marker; called only once every file in the folder is known to be the job's. */
  void deleteOwnFiles() throws IOException {
    java.nio.file.Path local = localFolder();
    if (local != null) {
      List<java.nio.file.Path> children;
      try (Stream<java.nio.file.Path> list = Files.list(local)) {
        children = list.filter(child -> !child.getFileName().toString().equals(OutputFolder.MARKER_FILE)).toList();
      }
      for (java.nio.file.Path child : children) {
        deleteTree(child);
      }
      return;
    }
    FileSystem fs = path.getFileSystem(hadoop);
    for (FileStatus child : fs.listStatus(path)) {
      if (!child.getPath().getName().equals(OutputFolder.MARKER_FILE)) {
        fs.delete(child.getPath(), true);
      }
    }
  }

  /** Deletes a file or a folder with its contents, never following a symbolic link out of it. */
  private static void deleteTree(java.nio.file.Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attributes) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(java.nio.file.Path dir, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** The local folder behind the output with links resolved, or null on other file systems. */
  private java.nio.file.Path localFolder() throws IOException {
    java.nio.file.Path local = LocalFiles.localPath(path, hadoop);
    return local == null ? null : local.toRealPath();
  }

  private static String relative(java.nio.file.Path root, java.nio.file.Path path) {
    StringBuilder text = new StringBuilder();
    for (java.nio.file.Path part : root.relativize(path)) {
      text.append(text.length() == 0 ? "" : "/").append(part);
    }
    return text.toString();
  }

  static String listed(List<String> names) {
    String shown = String.join(", ", names.subList(0, Math.min(OutputFolder.NAMES_SHOWN, names.size())));
    return names.size() > OutputFolder.NAMES_SHOWN ? shown + " and " + (names.size() - OutputFolder.NAMES_SHOWN) + " more ("
        + names.size() + " in all)" : shown;
  }

  /** A name fit for a one-line message: control characters (a newline in a file name) are escaped. */
  private static String shown(String name) {
    StringBuilder text = new StringBuilder();
    name.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        text.append(String.format(Locale.ROOT, "\\x%02X", c));
      } else {
        text.appendCodePoint(c);
      }
    });
    return text.toString();
  }
}

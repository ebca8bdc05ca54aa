package org.fsqspark.io;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.fsqspark.error.BadInputException;

/**
 * Finds the input files under a folder, a file or a glob on any Hadoop file system (local, hdfs://, s3a://),
 * recursively and in a stable order, and tells which {@link InputFormat} they are. Zero-byte files are kept:
 * they are bad inputs to report, not to skip silently. Names starting with '.' or '_' are metadata by
 * Hadoop convention and are skipped. Paths are location texts ({@link FileNames}): a local file's exact
 * name bytes, never parsed as a URI, so {@code img#1.png} and a name that is not UTF-8 are listed as they are.
 */
public final class InputListing {
  /** Extensions read as image files (case-insensitive). */
  public static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff");

  /** One listed file: its location text ({@link FileNames}; open it with {@link FileNames#hadoopPath}) and size. */
  public record Entry(String path, long length) implements Serializable {}

  /** The files of one input and the format they share; {@code root} is the folder ids are relative to. */
  public record Result(InputFormat format, String root, List<Entry> files) {}

  private InputListing() {}

  /** Lists {@code input}; {@code requested} is null for auto-detection. */
  public static Result list(Configuration conf, String input, InputFormat requested) {
    Path path = new Path(input);
    try {
      FileSystem fs = path.getFileSystem(conf);
      Map<InputFormat, List<Entry>> found = new EnumMap<>(InputFormat.class);
      String root;
      if (isGlob(input) && "file".equals(fs.getScheme())) {
        Path parent = fs.makeQualified(globParent(path));
        root = FileNames.location(fs, parent);
        if (!globLocal(java.nio.file.Paths.get(parent.toUri()), relativeGlob(path), found)) {
          throw new BadInputException("Input " + input + " matches no files");
        }
      } else if (isGlob(input)) {
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
          throw new BadInputException("Input " + input + " matches no files");
        }
        root = FileNames.location(fs, globParent(path));
        for (FileStatus match : matches) {
          collect(fs, match, found);
        }
      } else {
        if (!fs.exists(path)) {
          throw new BadInputException("Input " + input + " does not exist; pass a folder of images, Parquet "
              + "files or WebDataset tars (local path, hdfs:// or s3a://)");
        }
        FileStatus status = fs.getFileStatus(path);
        root = FileNames.location(fs, status.isFile() ? path.getParent() : path);
        collect(fs, status, found);
      }
      InputFormat format = chooseFormat(input, requested, found);
      List<Entry> files = new ArrayList<>(found.getOrDefault(format, List.of()));
      files.sort(java.util.Comparator.comparing(Entry::path));
      if (files.isEmpty()) {
        throw new BadInputException("No " + describe(format) + " under " + input
            + (requested == null ? "" : " (--format " + requested.cliName() + ")"));
      }
      return new Result(format, root, List.copyOf(files));
    } catch (java.nio.file.FileSystemLoopException e) {
      throw new BadInputException("Input " + input + " holds a symbolic link loop: " + e.getFile()
          + " leads back to a folder above it; remove that link or pass a folder below it", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list input " + input + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether a local folder (not a glob) holds at least one file that {@link #list} would read: {@code requested}'s
   * format, or any format when it is null. Stops at the first such file, so it costs little where the answer is
   * yes; false for anything else, where only the whole listing can tell.
   */
  public static boolean holdsAny(String input, InputFormat requested) {
    if (isGlob(input)) {
      return false;
    }
    try {
      java.nio.file.Path base = java.nio.file.Paths.get(new Path(input).toUri().getPath());
      if (!java.nio.file.Files.isDirectory(base)) {
        return false;
      }
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(base,
          java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
        return files.anyMatch(file -> {
          InputFormat format = formatOf(file.getFileName().toString());
          return format != null && (requested == null || format == requested)
              && !isHidden(base.relativize(file).toString()) && java.nio.file.Files.isRegularFile(file);
        });
      }
    } catch (IOException | RuntimeException e) {
      return false; // the whole listing reports what is wrong, in its words
    }
  }

  /** Which format a file name belongs to, or null when it is none of them. */
  static InputFormat formatOf(String name) {
    int dot = name.lastIndexOf('.');
    if (dot <= 0) {
      return null;
    }
    String extension = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    if (IMAGE_EXTENSIONS.contains(extension)) {
      return InputFormat.FOLDER;
    }
    return switch (extension) {
      case "parquet" -> InputFormat.PARQUET;
      case "tar" -> InputFormat.WDS;
      default -> null;
    };
  }

  private static void collect(FileSystem fs, FileStatus start, Map<InputFormat, List<Entry>> found)
      throws IOException {
    if (start.isFile()) {
      add(found, FileNames.location(fs, start.getPath()), start.getLen());
      return;
    }
    if ("file".equals(fs.getScheme())) {
      collectLocal(java.nio.file.Paths.get(fs.makeQualified(start.getPath()).toUri()), found);
      return;
    }
    String base = start.getPath().toUri().getPath();
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(start.getPath(), true);
    while (files.hasNext()) {
      LocatedFileStatus file = files.next();
      String relative = file.getPath().toUri().getPath().substring(Math.min(base.length(),
          file.getPath().toUri().getPath().length()));
      if (file.isFile() && !isHidden(relative)) {
        add(found, FileNames.escape(file.getPath().toString()), file.getLen());
      }
    }
  }

  /**
   * Local folders are walked with java.nio: Hadoop's local file statuses look up permissions by forking a
   * process per file, which made listing 10,000 files take over a minute. Each file's attributes are read once,
   * by the walk itself.
   */
  private static void collectLocal(java.nio.file.Path base, Map<InputFormat, List<Entry>> found) throws IOException {
    java.nio.file.Files.walkFileTree(base, java.util.EnumSet.of(java.nio.file.FileVisitOption.FOLLOW_LINKS),
        Integer.MAX_VALUE, new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult visitFile(java.nio.file.Path file,
              java.nio.file.attribute.BasicFileAttributes attributes) {
            // Following links, a link's attributes are its target's; only a dangling link shows as a link. It is
            // listed like a file, so its read fails and it becomes a reject row that says why, instead of
            // vanishing from the counts.
            if ((attributes.isRegularFile() || attributes.isSymbolicLink())
                && !isHidden(base.relativize(file).toString())) {
              add(found, FileNames.location(file), attributes.isRegularFile() ? attributes.size() : 0);
            }
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * A local glob, matched with java.nio: Hadoop's local file system lists names as Java strings, so it would
   * silently drop a file whose name is not UTF-8. Returns whether anything matched.
   */
  private static boolean globLocal(java.nio.file.Path base, String glob, Map<InputFormat, List<Entry>> found)
      throws IOException {
    if (!java.nio.file.Files.isDirectory(base)) {
      return false;
    }
    java.nio.file.PathMatcher matcher = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob);
    int depth = glob.split("/").length;
    List<java.nio.file.Path> matches = new ArrayList<>();
    try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(base, depth,
        java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      paths.forEach(candidate -> {
        java.nio.file.Path relative = base.relativize(candidate);
        if (relative.getNameCount() == depth && !relative.toString().isEmpty() && matcher.matches(relative)) {
          matches.add(candidate);
        }
      });
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    for (java.nio.file.Path match : matches) {
      if (java.nio.file.Files.isDirectory(match)) {
        collectLocal(match, found);
      } else if (java.nio.file.Files.isRegularFile(match)) {
        add(found, FileNames.location(match), java.nio.file.Files.size(match));
      }
    }
    return !matches.isEmpty();
  }

  /** The part of a glob below its fixed folder: {@code *.png} of {@code /data/*.png}. */
  private static String relativeGlob(Path glob) {
    String full = glob.toUri().getPath();
    String parent = globParent(glob).toUri().getPath();
    String relative = full.length() > parent.length() ? full.substring(parent.length()) : full;
    return relative.startsWith("/") ? relative.substring(1) : relative;
  }

  private static void add(Map<InputFormat, List<Entry>> found, String location, long length) {
    InputFormat format = formatOf(location.substring(location.lastIndexOf('/') + 1));
    if (format != null) {
      found.computeIfAbsent(format, f -> new ArrayList<>()).add(new Entry(location, length));
    }
  }

  private static InputFormat chooseFormat(String input, InputFormat requested, Map<InputFormat, List<Entry>> found) {
    if (requested != null) {
      return requested;
    }
    if (found.isEmpty()) {
      throw new BadInputException("No images (" + String.join(", ", new java.util.TreeSet<>(IMAGE_EXTENSIONS))
          + "), Parquet files or .tar shards under " + input);
    }
    if (found.size() > 1) {
      throw new BadInputException("Input " + input + " holds " + found.entrySet().stream()
          .map(e -> e.getValue().size() + " " + describe(e.getKey())).collect(Collectors.joining(" and "))
          + "; pass --format folder, parquet or wds to say which to read");
    }
    return found.keySet().iterator().next();
  }

  private static String describe(InputFormat format) {
    return switch (format) {
      case FOLDER -> "image files";
      case PARQUET -> "Parquet files";
      case WDS -> "WebDataset .tar shards";
    };
  }

  private static boolean isHidden(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith(".") || part.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isGlob(String input) {
    return input.contains("*") || input.contains("?") || input.contains("[") || input.contains("{");
  }

  private static Path globParent(Path path) {
    Path current = path;
    while (current != null && isGlob(current.toString())) {
      current = current.getParent();
    }
    return current == null ? new Path("/") : current;
  }
}

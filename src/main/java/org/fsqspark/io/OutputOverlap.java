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

/** The check that an output is not, does not contain and does not lie inside anything its job reads. */
final class OutputOverlap {
  private final Configuration hadoop;
  private final String location;
  private final Path path;

  OutputOverlap(Configuration hadoop, String location, Path path) {
    this.hadoop = hadoop;
    this.location = location;
    this.path = path;
  }

  /** Where a path really is: a file-system key and the path's components. */
  private record Place(String fileSystem, List<String> parts, String shown) {
    boolean within(Place other) {
      return fileSystem.equals(other.fileSystem) && parts.size() >= other.parts.size()
          && parts.subList(0, other.parts.size()).equals(other.parts);
    }
  }

  /** Throws when the output and {@code input} overlap (qualified paths; local ones with links resolved). */
  void refuse(OutputFolder.Input input) {
    Place output = place(path);
    for (Path read : expand(input.location())) {
      Place in = place(read);
      String problem = null;
      if (output.within(in) && in.within(output)) {
        problem = " is the same as ";
      } else if (output.within(in)) {
        problem = " lies inside ";
      } else if (in.within(output)) {
        problem = " contains ";
      }
      if (problem != null) {
        throw new BadInputException("Output " + location + shownIfDifferent(output, location) + problem
            + input.option() + " " + plain(input.location()) + shownIfDifferent(in, input.location())
            + "; choose an --output outside every input (nothing was written or deleted)");
      }
    }
  }

  private static String shownIfDifferent(Place place, String given) {
    String plain = plain(given);
    plain = plain.length() > 1 && plain.endsWith("/") ? plain.substring(0, plain.length() - 1) : plain;
    return place.shown().equals(plain) || place.shown().equals(given) ? "" : " (" + place.shown() + ")";
  }

  /** Jobs that only write locally pass {@code file:/...}; people know the folder by its plain path. */
  static String plain(String location) {
    return location.startsWith("file:/") && !location.startsWith("file://") ? location.substring(5) : location;
  }

  /** The paths an input names: itself, or what its glob matches. */
  private List<Path> expand(String input) {
    Path given = qualified(hadoop, input);
    if (!(input.contains("*") || input.contains("?") || input.contains("[") || input.contains("{"))) {
      return List.of(given);
    }
    try {
      FileStatus[] matches = given.getFileSystem(hadoop).globStatus(given);
      return matches == null ? List.of() : Arrays.stream(matches).map(FileStatus::getPath).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list input " + input + ": " + e.getMessage(), e);
    }
  }

  private Place place(Path qualified) {
    try {
      java.nio.file.Path local = LocalFiles.localPath(qualified, hadoop);
      if (local != null) {
        java.nio.file.Path real = realPath(local);
        List<String> parts = new ArrayList<>();
        real.forEach(part -> parts.add(part.toString()));
        return new Place("file", parts, real.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + qualified + ": " + e.getMessage(), e);
    }
    java.net.URI uri = qualified.toUri();
    String fileSystem = (uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT)) + "://"
        + (uri.getAuthority() == null ? "" : uri.getAuthority().toLowerCase(Locale.ROOT));
    List<String> parts = Arrays.stream(uri.getPath().split("/")).filter(p -> !p.isEmpty()).toList();
    return new Place(fileSystem, parts, qualified.toString());
  }

  /** The path with every symbolic link of its existing part resolved; the rest is appended as given. */
  private static java.nio.file.Path realPath(java.nio.file.Path path) throws IOException {
    java.nio.file.Path absolute = path.toAbsolutePath().normalize();
    java.nio.file.Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
  }

  static Path qualified(Configuration hadoop, String location) {
    Path path = new Path(location);
    try {
      return path.getFileSystem(hadoop).makeQualified(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + location + ": " + e.getMessage(), e);
    }
  }
}

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

/**
 * The output folder of a job, made safe to write into and to {@code --overwrite}. Every job that writes a
 * folder goes through it:
 * <ol>
 *   <li>{@link #check} (reads only, so call it before any work): the output must not be, contain or lie
 *       inside any input of the job (qualified paths; local paths with symbolic links resolved), and must be
 *       new, empty, or marked by {@value #MARKER_FILE} as the output of the same job. With
 *       {@link Reuse#REPLACE} every file in it must be one that job writes ({@link OutputKind}).</li>
 *   <li>{@link #prepare} (when the job is about to write): checks again, deletes the job's own files for
 *       {@link Reuse#REPLACE}, creates the folder and writes the marker.</li>
 * </ol>
 * Anything else is refused with one line naming what is there and how to go on; nothing a user put there
 * is ever deleted. Works on any Hadoop file system (local, hdfs://, s3a://).
 */
public final class OutputFolder {
  /** Marker of a folder fsq made: which job, when, which paths it writes (see {@link OutputMarker}). */
  public static final String MARKER_FILE = "_fsq_output.json";
  private static final int NAMES_SHOWN = 5;
  private static final int MARKER_MAX_BYTES = 1 << 16;

  /** What to do with an output folder that already holds an earlier run of the same job. */
  public enum Reuse {
    /** Refuse it: pass {@code --overwrite} or choose another output. */
    REFUSE,
    /** Keep it and write into it: tokenize resumes, train continues with {@code --resume}. */
    RESUME,
    /** {@code --overwrite}: delete the job's own files first; a file it did not write stops the job. */
    REPLACE
  }

  /**
   * A location the job reads, and the option that named it (for the message). A null location is skipped,
   * so optional inputs can be passed as they are.
   */
  public record Input(String option, String location) {
    public Input {
      if (option == null || option.isBlank()) {
        throw new IllegalArgumentException("An input needs the option that named it, e.g. --input");
      }
    }
  }

  private enum State { ABSENT, EMPTY, EARLIER_RUN }

  private final Configuration hadoop;
  private final String location;
  private final Path path;
  private final OutputKind kind;
  private final Reuse reuse;
  private final List<Input> inputs;
  private final State state;

  private OutputFolder(Configuration hadoop, String location, OutputKind kind, Reuse reuse, List<Input> inputs) {
    this.hadoop = hadoop;
    this.location = plain(location);
    this.path = qualified(hadoop, location);
    this.kind = kind;
    this.reuse = reuse;
    this.inputs = inputs;
    this.state = inspect();
  }

  /**
   * Checks {@code location} as the output of a {@code kind} job that reads {@code inputs}; reads only.
   *
   * @throws IllegalArgumentException with a one-line message when the output may not be used
   */
  public static OutputFolder check(Configuration hadoop, String location, OutputKind kind, Reuse reuse,
      Input... inputs) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("--output is required: the folder fsq " + kind.job() + " writes to");
    }
    return new OutputFolder(hadoop, location, kind, reuse, List.of(inputs));
  }

  /** The output, qualified ({@code file:/...}, {@code s3a://bucket/...}). */
  public Path path() {
    return path;
  }

  /** Whether the folder holds an earlier run of this job that the job keeps ({@link Reuse#RESUME}). */
  public boolean holdsEarlierRun() {
    return state == State.EARLIER_RUN && reuse == Reuse.RESUME;
  }

  /**
   * Makes the folder ready for the job: checks it again (time has passed since {@link #check}), deletes the
   * job's own files for {@link Reuse#REPLACE}, creates it and writes the marker.
   */
  public void prepare() {
    State now = inspect();
    try {
      if (now == State.EARLIER_RUN && reuse == Reuse.RESUME) {
        return;
      }
      if (now == State.EARLIER_RUN) {
        deleteOwnFiles();
      }
      java.nio.file.Path local = LocalFiles.localPath(path, hadoop);
      if (local != null) {
        Files.createDirectories(local);
      } else {
        path.getFileSystem(hadoop).mkdirs(path);
      }
      TokenTable.writeText(hadoop, new Path(path, MARKER_FILE), OutputMarker.of(kind).toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare output " + location + ": " + e.getMessage(), e);
    }
  }

  private State inspect() {
    for (Input input : inputs) {
      if (input.location() != null && !input.location().isBlank()) {
        refuseOverlap(input);
      }
    }
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        return State.ABSENT;
      }
      if (!status.isDirectory()) {
        throw new IllegalArgumentException("Output " + location + " is a file, not a folder; choose a new folder"
            + " for --output");
      }
      List<String> entries = topLevelNames();
      if (entries.isEmpty()) {
        return State.EMPTY;
      }
      OutputMarker marker = readMarker();
      if (marker == null) {
        throw new IllegalArgumentException("Output " + location + " is not empty and was not made by fsq (no "
            + MARKER_FILE + "): it holds " + listed(entries) + "; choose a new or empty --output (--overwrite "
            + "never deletes what fsq did not write)");
      }
      if (!marker.job().equals(kind.job())) {
        throw new IllegalArgumentException("Output " + location + " holds the output of fsq " + marker.job()
            + ", not of fsq " + kind.job() + "; choose another --output");
      }
      if (reuse == Reuse.REFUSE) {
        throw new IllegalArgumentException("Output " + location + " already holds the output of an earlier fsq "
            + kind.job() + "; pass --overwrite to replace it (only the files fsq " + kind.job() + " writes are "
            + "deleted) or choose another --output");
      }
      if (reuse == Reuse.REPLACE) {
        List<String> foreign = foreignPaths();
        if (!foreign.isEmpty()) {
          throw new IllegalArgumentException("Output " + location + " holds files fsq " + kind.job() + " did not "
              + "write: " + listed(foreign) + "; --overwrite deletes only what fsq wrote, so move them out or "
              + "choose another --output");
        }
      }
      return State.EARLIER_RUN;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot inspect output " + location + ": " + e.getMessage(), e);
    }
  }

  // ---- output vs inputs ----

  /** Where a path really is: a file-system key and the path's components. */
  private record Place(String fileSystem, List<String> parts, String shown) {
    boolean within(Place other) {
      return fileSystem.equals(other.fileSystem) && parts.size() >= other.parts.size()
          && parts.subList(0, other.parts.size()).equals(other.parts);
    }
  }

  private void refuseOverlap(Input input) {
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
        throw new IllegalArgumentException("Output " + location + shownIfDifferent(output, location) + problem
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
  private static String plain(String location) {
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

  // ---- what the folder holds ----

  private List<String> topLevelNames() throws IOException {
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

  private OutputMarker readMarker() throws IOException {
    Path marker = new Path(path, MARKER_FILE);
    FileSystem fs = marker.getFileSystem(hadoop);
    try (InputStream in = fs.open(marker)) {
      byte[] bytes = in.readNBytes(MARKER_MAX_BYTES);
      return OutputMarker.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** Paths under the output that the job does not write; a foreign folder is named once, not file by file. */
  private List<String> foreignPaths() throws IOException {
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
  private void deleteOwnFiles() throws IOException {
    java.nio.file.Path local = localFolder();
    if (local != null) {
      List<java.nio.file.Path> children;
      try (Stream<java.nio.file.Path> list = Files.list(local)) {
        children = list.filter(child -> !child.getFileName().toString().equals(MARKER_FILE)).toList();
      }
      for (java.nio.file.Path child : children) {
        deleteTree(child);
      }
      return;
    }
    FileSystem fs = path.getFileSystem(hadoop);
    for (FileStatus child : fs.listStatus(path)) {
      if (!child.getPath().getName().equals(MARKER_FILE)) {
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

  private static String listed(List<String> names) {
    String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
    return names.size() > NAMES_SHOWN ? shown + " and " + (names.size() - NAMES_SHOWN) + " more ("
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

  private static Path qualified(Configuration hadoop, String location) {
    Path path = new Path(location);
    try {
      return path.getFileSystem(hadoop).makeQualified(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + location + ": " + e.getMessage(), e);
    }
  }
}

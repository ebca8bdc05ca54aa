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
  static final int NAMES_SHOWN = 5;
  static final int MARKER_MAX_BYTES = 1 << 16;

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
  private final FolderContents contents;

  private OutputFolder(Configuration hadoop, String location, OutputKind kind, Reuse reuse, List<Input> inputs) {
    this.hadoop = hadoop;
    this.location = OutputOverlap.plain(location);
    this.path = OutputOverlap.qualified(hadoop, location);
    this.kind = kind;
    this.reuse = reuse;
    this.inputs = inputs;
    this.contents = new FolderContents(hadoop, path, kind);
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
      throw new BadInputException("--output is required: the folder fsq " + kind.job() + " writes to");
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
        contents.deleteOwnFiles();
      }
      java.nio.file.Path local = LocalFiles.localPath(path, hadoop);
      if (local != null) {
        Files.createDirectories(local);
      } else {
        path.getFileSystem(hadoop).mkdirs(path);
      }
      TextFiles.write(hadoop, new Path(path, MARKER_FILE), OutputMarker.of(kind).toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare output " + location + ": " + e.getMessage(), e);
    }
  }

  private State inspect() {
    for (Input input : inputs) {
      if (input.location() != null && !input.location().isBlank()) {
        new OutputOverlap(hadoop, location, path).refuse(input);
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
        throw new BadInputException("Output " + location + " is a file, not a folder; choose a new folder"
            + " for --output");
      }
      List<String> entries = contents.topLevelNames();
      if (entries.isEmpty()) {
        return State.EMPTY;
      }
      OutputMarker marker = contents.readMarker();
      if (marker == null) {
        throw new BadInputException("Output " + location + " is not empty and was not made by fsq (no "
            + MARKER_FILE + "): it holds " + FolderContents.listed(entries) + "; choose a new or empty --output (--overwrite "
            + "never deletes what fsq did not write)");
      }
      if (!marker.job().equals(kind.job())) {
        throw new BadInputException("Output " + location + " holds the output of fsq " + marker.job()
            + ", not of fsq " + kind.job() + "; choose another --output");
      }
      if (reuse == Reuse.REFUSE) {
        throw new BadInputException("Output " + location + " already holds the output of an earlier fsq "
            + kind.job() + "; pass --overwrite to replace it (only the files fsq " + kind.job() + " writes are "
            + "deleted) or choose another --output");
      }
      if (reuse == Reuse.REPLACE) {
        List<String> foreign = contents.foreignPaths();
        if (!foreign.isEmpty()) {
          throw new BadInputException("Output " + location + " holds files fsq " + kind.job() + " did not "
              + "write: " + FolderContents.listed(foreign) + "; --overwrite deletes only what fsq wrote, so move them out or "
              + "choose another --output");
        }
      }
      return State.EARLIER_RUN;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot inspect output " + location + ": " + e.getMessage(), e);
    }
  }
}

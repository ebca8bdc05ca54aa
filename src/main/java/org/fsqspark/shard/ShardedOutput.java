package org.fsqspark.shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.error.BadInputException;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.TextFiles;

/**
 * The driver's half of a sharded job's output protocol: the output folder is made ready (created, or emptied
 * of the job's own files with {@code --overwrite}) and stamped with the run's {@link RunSpec}, or it holds a run
 * of the same command, which then resumes; the shards committed so far are found by their markers; the
 * temporary files of attempts are removed at the end. Works on any Hadoop file system.
 */
public final class ShardedOutput {
  /** What a run was asked to do; a re-run must match it to resume. */
  public static final String RUN_FILE = "_run.json";
  /** Attempts stage their files here before their shard is committed ({@link ShardCommit}). */
  public static final String TEMPORARY_DIR = "_temporary";

  private final Configuration conf;
  private final Path path;
  private final boolean resumed;

  private ShardedOutput(Configuration conf, Path path, boolean resumed) {
    this.conf = conf;
    this.path = path;
    this.resumed = resumed;
  }

  /**
   * Creates the output (or, with {@code --overwrite}, empties it of the job's own files) and writes
   * {@code _run.json}; or, when the folder holds an earlier run that {@code folder} may resume, checks that it
   * was asked to do the same.
   *
   * @throws BadInputException naming the differences when the earlier run is of other inputs or settings
   */
  public static ShardedOutput prepare(Configuration conf, OutputFolder folder, RunSpec run, String job) {
    Path runFile = new Path(folder.path(), RUN_FILE);
    try {
      FileSystem fs = runFile.getFileSystem(conf);
      if (folder.holdsEarlierRun() && fs.exists(runFile)) {
        List<String> differences = run.differencesFrom(earlierRun(fs, runFile, folder));
        if (!differences.isEmpty()) {
          throw new BadInputException("Output " + folder.path() + " holds a " + job + " run of other inputs or "
              + "settings (" + String.join("; ", differences) + "); pass --overwrite to replace it or choose another"
              + " --output");
        }
        return new ShardedOutput(conf, folder.path(), true);
      }
      folder.prepare();
      TextFiles.write(conf, runFile, run.toJson());
      return new ShardedOutput(conf, folder.path(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare output " + folder.path(), e);
    }
  }

  /** The output, qualified. */
  public Path path() {
    return path;
  }

  /** Whether this run continues an earlier run of the same command. */
  public boolean resumed() {
    return resumed;
  }

  /** Names of the shards whose marker, {@code folder/<shard><suffix>}, exists ({@code folder} "" for the output). */
  public Set<String> committed(String folder, String suffix) {
    Path markers = folder.isEmpty() ? path : new Path(path, folder);
    Set<String> names = new HashSet<>();
    try {
      FileSystem fs = markers.getFileSystem(conf);
      if (!fs.exists(markers)) {
        return names;
      }
      for (FileStatus file : fs.listStatus(markers)) {
        String name = file.getPath().getName();
        if (file.isFile() && name.startsWith("part-") && name.endsWith(suffix)) {
          names.add(name.substring(0, name.length() - suffix.length()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + markers, e);
    }
    return names;
  }

  /** Writes a side file of the output ({@code _job.json}, {@code decode.json}, ...). */
  public void writeText(String name, String text) {
    TextFiles.write(conf, new Path(path, name), text);
  }

  /** Removes what attempts staged and never committed; a leftover would waste space, nothing more. */
  public void cleanUp() {
    Path temporary = new Path(path, TEMPORARY_DIR);
    try {
      temporary.getFileSystem(conf).delete(temporary, true);
    } catch (IOException e) {
      // _temporary is skipped by every reader.
    }
  }

  /** The earlier run's {@code _run.json}, or a message saying it is damaged and how to start over. */
  private static RunSpec earlierRun(FileSystem fs, Path runFile, OutputFolder folder) throws IOException {
    String text = TextFiles.read(fs, runFile);
    try {
      return RunSpec.fromJson(text);
    } catch (RuntimeException e) {
      throw new BadInputException("Output " + folder.path() + ": " + runFile + " is damaged (" + e.getMessage()
          + "), so the run cannot be resumed; pass --overwrite to start over", e);
    }
  }
}

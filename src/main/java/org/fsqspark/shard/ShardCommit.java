package org.fsqspark.shard;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files one attempt of one shard writes, staged under {@code _temporary/} and committed together by
 * renaming: every other file first, the marker last. A shard whose marker exists is done, and nothing
 * half-written is ever visible under a final name. Attempts stage under their own names, so retries and
 * speculative copies do not collide; the first to commit wins and the others discard theirs.
 */
public final class ShardCommit {
  private final FileSystem fs;
  private final Path output;
  private final String prefix;
  private final List<Path[]> staged = new ArrayList<>();

  public ShardCommit(Configuration conf, Path output, String shard, long attempt) throws IOException {
    this.fs = output.getFileSystem(conf);
    this.output = output;
    this.prefix = shard + ".attempt-" + attempt + ".";
  }

  /**
   * A temporary path that {@link #commit} moves to {@code target} (relative to the output); {@code key} tells an
   * attempt's files apart. Nothing is created: the caller writes the file, or leaves it out.
   */
  public Path stage(String key, String target) {
    Path temporary = new Path(new Path(output, ShardedOutput.TEMPORARY_DIR), prefix + key);
    staged.add(new Path[] {temporary, new Path(output, target)});
    return temporary;
  }

  /**
   * Moves the staged files that were written to their targets, {@code marker} (a staged temporary) last;
   * returns false, discarding them, when another attempt had committed the marker first.
   */
  public boolean commit(Path marker) throws IOException {
    Path[] markerFiles = staged.stream().filter(files -> files[0].equals(marker)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(marker + " was not staged"));
    if (fs.exists(markerFiles[1])) {
      abort();
      return false;
    }
    for (Path[] files : staged) {
      if (files == markerFiles) {
        continue;
      }
      // A file under the final name without the marker is an orphan of an attempt that died mid-commit; it
      // goes even when this attempt wrote no such file (a shard without rejects has no rejects file).
      fs.delete(files[1], false);
      if (fs.exists(files[0])) {
        fs.mkdirs(files[1].getParent());
        rename(files[0], files[1]);
      }
    }
    fs.mkdirs(markerFiles[1].getParent());
    if (!fs.rename(markerFiles[0], markerFiles[1])) {
      if (fs.exists(markerFiles[1])) {
        fs.delete(markerFiles[0], false);
        return false;
      }
      throw new IOException("Cannot rename " + markerFiles[0] + " to " + markerFiles[1]);
    }
    return true;
  }

  /** Deletes this attempt's temporary files (after a failure, or when another attempt committed). */
  public void abort() {
    for (Path[] files : staged) {
      try {
        fs.delete(files[0], false);
      } catch (IOException e) {
        // Temporary files live under _temporary/, which readers skip and a finished run deletes.
      }
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("Cannot rename " + from + " to " + to);
    }
  }
}

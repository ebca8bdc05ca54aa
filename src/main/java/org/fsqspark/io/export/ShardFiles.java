package org.fsqspark.io.export;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files of one output shard (file number {@code file} of a split) and their commit. A shard is written
 * under {@code _temporary/ATTEMPT/} and committed by renaming its files to their final names, the main file
 * last: a shard whose main file exists is complete, so a re-run of a killed export skips it and rewrites the
 * rest. The same table and settings always put the same rows in the same shard, so a shard committed by an
 * earlier run is exactly what this run would write.
 */
public final class ShardFiles {
  /** Where attempts write before their shard is committed. */
  public static final String TEMPORARY = "_temporary";

  private final Path output;
  private final Split split;
  private final int file;
  private final List<String> names;

  public ShardFiles(Path output, Split split, int file, ExportFormat format) {
    if (file < 0) {
      throw new IllegalArgumentException("A shard number is 0 or more, got " + file);
    }
    this.output = output;
    this.split = split;
    this.file = file;
    String stem = split.folder() + "/" + String.format(java.util.Locale.ROOT, "part-%05d", file);
    if (split == Split.REJECTS || format == ExportFormat.PARQUET) {
      names = List.of(stem + ".parquet");
    } else {
      // The tokens file last: its presence says the shard is complete.
      names = List.of(stem + ".ids.jsonl", stem + ".index.npy", stem + ".bin");
    }
  }

  public Split split() {
    return split;
  }

  public int file() {
    return file;
  }

  /** The files' paths relative to the output, the main file last. */
  public List<String> names() {
    return names;
  }

  /** The main file: Parquet, or the tokens of a {@code bin} shard. */
  public String mainName() {
    return names.get(names.size() - 1);
  }

  /** Where an attempt writes {@code name} before the commit. */
  public Path temporary(String attempt, String name) {
    return new Path(new Path(new Path(output, TEMPORARY), attempt), name);
  }

  /** Whether an earlier run committed this shard. */
  public boolean committed(FileSystem fs) throws IOException {
    return fs.exists(new Path(output, mainName()));
  }

  /** Moves an attempt's files to their final names, replacing the leftovers of an interrupted commit. */
  public void commit(FileSystem fs, String attempt) throws IOException {
    for (String name : names) {
      Path from = temporary(attempt, name);
      Path to = new Path(output, name);
      fs.mkdirs(to.getParent());
      if (fs.exists(to)) {
        fs.delete(to, false);
      }
      if (!fs.rename(from, to)) {
        throw new IOException("Cannot rename " + from + " to " + to);
      }
    }
  }

  /** The committed files' sizes in bytes, in the order of {@link #names()}. */
  public List<Long> sizes(FileSystem fs) throws IOException {
    List<Long> sizes = new ArrayList<>();
    for (String name : names) {
      sizes.add(fs.getFileStatus(new Path(output, name)).getLen());
    }
    return sizes;
  }
}

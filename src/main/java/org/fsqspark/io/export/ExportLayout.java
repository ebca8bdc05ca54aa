package org.fsqspark.io.export;

import java.io.Serializable;
import org.fsqspark.error.BadInputException;

/**
 * Which output file each row of an export goes to. Rows are ranked in shuffled order (train, then
 * validation, then rejects); a split of N rows gets {@code ceil(N / rowsPerFile)} files and rank r of it goes
 * to file {@code floor(r * files / N)}, so every file holds a contiguous run of the shuffled order and file
 * sizes differ by at most one row. Files are numbered across the splits as Spark partitions: train's first,
 * then validation's, then the rejects'.
 *
 * @param rows rows per split, indexed by {@link Split#ordinal()}
 * @param rowsPerFile the most rows one file holds
 */
public record ExportLayout(long[] rows, int rowsPerFile) implements Serializable {
  public ExportLayout {
    if (rows == null || rows.length != Split.values().length) {
      throw new IllegalArgumentException("An export layout needs the row count of each of "
          + Split.values().length + " splits");
    }
    for (long count : rows) {
      if (count < 0) {
        throw new IllegalArgumentException("A split cannot hold " + count + " rows");
      }
    }
    if (rowsPerFile < 1) {
      throw new BadInputException("--rows-per-file must be at least 1, got " + rowsPerFile);
    }
    rows = rows.clone();
  }

  /** A layout of {@code train}, {@code validation} and {@code rejects} rows. */
  public static ExportLayout of(long train, long validation, long rejects, int rowsPerFile) {
    return new ExportLayout(new long[] {train, validation, rejects}, rowsPerFile);
  }

  public long rows(Split split) {
    return rows[split.ordinal()];
  }

  /** Rows in all splits together. */
  public long totalRows() {
    long total = 0;
    for (long count : rows) {
      total += count;
    }
    return total;
  }

  /** Files of one split: none for an empty split. */
  public int files(Split split) {
    long count = rows(split);
    long files = (count + rowsPerFile - 1) / rowsPerFile;
    if (files > Integer.MAX_VALUE / 4) {
      throw new BadInputException(count + " rows at --rows-per-file " + rowsPerFile + " make " + files
          + " files; raise --rows-per-file");
    }
    return (int) files;
  }

  /** Files of all splits: the number of Spark partitions that write them. */
  public int partitions() {
    int total = 0;
    for (Split split : Split.values()) {
      total += files(split);
    }
    return total;
  }

  /** The global rank at which a split's rows start. */
  public long firstRank(Split split) {
    long first = 0;
    for (int i = 0; i < split.ordinal(); i++) {
      first += rows[i];
    }
    return first;
  }

  /** The split a global rank falls in. */
  public Split splitOf(long rank) {
    if (rank < 0 || rank >= totalRows()) {
      throw new IllegalArgumentException("Rank " + rank + " is outside the export's " + totalRows() + " rows");
    }
    long end = 0;
    for (Split split : Split.values()) {
      end += rows(split);
      if (rank < end) {
        return split;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** The file (within its split) that rank {@code rankInSplit} of {@code split} goes to. */
  public int fileOf(Split split, long rankInSplit) {
    long count = rows(split);
    if (rankInSplit < 0 || rankInSplit >= count) {
      throw new IllegalArgumentException("Rank " + rankInSplit + " is outside split " + split.folder() + " of "
          + count + " rows");
    }
    int files = files(split);
    // rank * files fits in a long unless a split holds more than 2^63 / files rows; be exact either way.
    if (Math.multiplyHigh(rankInSplit, files) == 0 && rankInSplit * files >= 0) {
      return (int) (rankInSplit * files / count);
    }
    return java.math.BigInteger.valueOf(rankInSplit).multiply(java.math.BigInteger.valueOf(files))
        .divide(java.math.BigInteger.valueOf(count)).intValueExact();
  }

  /** The partition (across splits) that writes a global rank. */
  public int partitionOf(long rank) {
    Split split = splitOf(rank);
    return firstPartition(split) + fileOf(split, rank - firstRank(split));
  }

  /** The first partition of a split's files. */
  public int firstPartition(Split split) {
    int first = 0;
    for (int i = 0; i < split.ordinal(); i++) {
      first += files(Split.values()[i]);
    }
    return first;
  }

  /** The split whose files a partition writes. */
  public Split splitOfPartition(int partition) {
    if (partition < 0 || partition >= partitions()) {
      throw new IllegalArgumentException("Partition " + partition + " is outside the export's " + partitions()
          + " files");
    }
    for (Split split : Split.values()) {
      if (partition < firstPartition(split) + files(split)) {
        return split;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** The rows file {@code file} of {@code split} holds: ranks {@code ceil(f N / n)} up to {@code ceil((f+1) N / n)}. */
  public long rowsInFile(Split split, int file) {
    int files = files(split);
    if (file < 0 || file >= files) {
      throw new IllegalArgumentException("File " + file + " is outside split " + split.folder() + " of " + files
          + " files");
    }
    return firstRankOfFile(split, file + 1) - firstRankOfFile(split, file);
  }

  private long firstRankOfFile(Split split, int file) {
    long count = rows(split);
    int files = files(split);
    return java.math.BigInteger.valueOf(file).multiply(java.math.BigInteger.valueOf(count))
        .add(java.math.BigInteger.valueOf(files - 1)).divide(java.math.BigInteger.valueOf(files)).longValueExact();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ExportLayout layout && java.util.Arrays.equals(rows, layout.rows)
        && rowsPerFile == layout.rowsPerFile;
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(rows) + rowsPerFile;
  }

  @Override
  public long[] rows() {
    return rows.clone();
  }
}

package org.fsqspark.pipeline;

import java.util.List;
import org.fsqspark.error.BadDataException;
import org.fsqspark.io.export.ExportLayout;
import org.fsqspark.io.export.Split;

/**
 * What one pass over the sorted rows counts per partition, as {train, validation, rejects, largest label}: the
 * splits' sizes, the largest class index and every partition's first rank.
 */
public final class ExportCounts {
  /** The largest class index a label column may hold. */
  static final long MAX_LABEL = 1 << 20;

  private ExportCounts() {}

  /** The counts of no rows. */
  public static long[] empty() {
    return new long[] {0, 0, 0, -1};
  }

  /** Adds a row of {@code split} (an ordinal of {@link Split}) with {@code label} (null when none). */
  public static long[] add(long[] counts, int split, Long label) {
    counts[split]++;
    if (split != Split.REJECTS.ordinal() && label != null) {
      counts[3] = Math.max(counts[3], label);
    }
    return counts;
  }

  public static long[] merge(long[] a, long[] b) {
    return new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2], Math.max(a[3], b[3])};
  }

  /** The global rank of each sorted partition's first row. */
  public static long[] firstRanks(List<long[]> perPartition) {
    long[] first = new long[perPartition.size()];
    long rank = 0;
    for (int i = 0; i < first.length; i++) {
      first[i] = rank;
      long[] counts = perPartition.get(i);
      rank += counts[0] + counts[1] + counts[2];
    }
    return first;
  }

  /**
   * The layout of the whole table's counts.
   *
   * @throws BadDataException when no row can be exported or the label column holds no class index
   */
  public static ExportLayout layout(long[] counts, String input, String label, int rowsPerFile) {
    ExportLayout layout = ExportLayout.of(counts[0], counts[1], counts[2], rowsPerFile);
    if (counts[0] + counts[1] == 0) {
      throw new BadDataException("Token table " + input + " has no row that can be exported: all "
          + counts[2] + " have a grid other than the tokenizer's, tokens outside the codebook or no label for"
          + " --prefix; check it with fsq stats");
    }
    if (counts[3] >= MAX_LABEL) {
      throw new BadDataException("Column '" + label + "' holds " + counts[3] + ", not a class index (0 to "
          + (MAX_LABEL - 1) + "); name a class column with --label");
    }
    return layout;
  }
}

package org.fsqspark.pipeline;

import java.io.Serializable;
import java.util.Locale;

/**
 * One part file of a token table, the unit of work and of resume of jobs that read tokens (decode): its
 * outputs are named after its position in the table, {@code part-NNNNN}, and committed as a whole.
 *
 * @param path the part file, qualified ({@code file:/...}, {@code s3a://...})
 */
public record TablePart(int index, String path) implements Serializable {
  public TablePart {
    if (index < 0 || path == null || path.isBlank()) {
      throw new IllegalArgumentException("A table part needs an index >= 0 and a path, got " + index + " " + path);
    }
  }

  /** The file name stem of this part's outputs, e.g. {@code part-00042}. */
  public String name() {
    return String.format(Locale.ROOT, "part-%05d", index);
  }
}

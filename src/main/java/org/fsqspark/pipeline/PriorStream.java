package org.fsqspark.pipeline;

import java.io.Serializable;
import java.util.Locale;

/**
 * One stream of {@code stats --prior}: the rows of a part file of a token table whose position in the file is
 * {@code slice} modulo {@code slices}. A table of few part files is cut into slices so that every core codes.
 *
 * @param path the part file, qualified
 */
public record PriorStream(int index, String path, int slice, int slices) implements Serializable {
  public PriorStream {
    if (index < 0 || path == null || slices < 1 || slice < 0 || slice >= slices) {
      throw new IllegalArgumentException("A prior stream needs an index >= 0, a path and 0 <= slice < slices, got "
          + index + " " + path + " " + slice + "/" + slices);
    }
  }

  /** The stream's name in progress and errors, e.g. {@code stream-00003}. */
  public String name() {
    return String.format(Locale.ROOT, "stream-%05d", index);
  }
}

package org.fsqspark.contract;

import java.io.Serializable;
import java.util.regex.Pattern;
import org.fsqspark.error.BadInputException;

/**
 * The learned codebook of a VQ model (the VQ-VAE baseline): {@code size} vectors of {@code dimension}
 * floats, stored beside the weights as raw little-endian float32, row after row.
 */
public record VqCodebook(String file, String sha256, int size, int dimension) implements Serializable {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public VqCodebook {
    if (file == null || file.isBlank() || file.contains("/") || file.contains("\\")) {
      throw new BadInputException("codebook must name a file beside tokenizer.json, got " + file);
    }
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      throw new BadInputException("codebook_sha256 must be 64 lower-case hex digits, got " + sha256);
    }
    if (size < 2 || dimension < 1) {
      throw new BadInputException("A VQ codebook needs at least 2 vectors of at least 1 value, got " + size
          + " x " + dimension);
    }
  }

  /** Bytes the codebook file must have. */
  public long bytes() {
    return 4L * size * dimension;
  }
}

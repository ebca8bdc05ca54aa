package org.fsqspark.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.fsqspark.error.BadInputException;

/**
 * A deterministic train/validation split by a hash of the row's {@code id}: a row is in validation when the
 * first 8 bytes of SHA-256(UTF-8 id), read as an unsigned big-endian integer and divided by 2^64, fall below
 * the fraction. It depends on nothing but the id, so the split never changes with a seed, the table's size
 * or its file layout: rows added later never move old rows between the splits. Reproducible without this
 * project, e.g. in Python {@code int.from_bytes(hashlib.sha256(id.encode()).digest()[:8], 'big') / 2**64}.
 *
 * @param validationFraction share of ids in the validation split, in [0, 1)
 */
public record IdSplit(double validationFraction) implements java.io.Serializable {
  public IdSplit {
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new BadInputException("The validation share must be in [0, 1), got " + validationFraction);
    }
  }

  /** The id's position in [0, 1), uniform over ids. */
  public static double unit(String id) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      long high = 0;
      for (int i = 0; i < 8; i++) {
        high = (high << 8) | (digest[i] & 0xFF);
      }
      // Unsigned 64-bit value / 2^64, exact to the 53 bits a double holds.
      return (high >>> 11) * 0x1.0p-53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public boolean isValidation(String id) {
    return unit(id) < validationFraction;
  }

  /** Which rows a reader returns. */
  public enum Part {
    ALL, TRAIN, VALIDATION
  }

  public boolean includes(Part part, String id) {
    return switch (part) {
      case ALL -> true;
      case TRAIN -> !isValidation(id);
      case VALIDATION -> isValidation(id);
    };
  }
}

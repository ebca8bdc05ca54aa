package org.fsqspark.io;

/**
 * One image read from a shard: a stable id, where it came from, its encoded bytes (read lazily for files,
 * so decode threads do the I/O), and the passthrough values in the order of the shard's passthrough columns.
 */
public record InputRecord(String id, String source, Bytes bytes, Object[] passthrough) {
  /** Encoded image bytes, or the reason they cannot be had. */
  @FunctionalInterface
  public interface Bytes {
    byte[] read() throws UnreadableInputException;
  }

  /** The input could not be read at all (stage {@code read}). */
  public static final class UnreadableInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnreadableInputException(String message) {
      super(message);
    }

    public UnreadableInputException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Bytes already in memory. */
  public static Bytes inMemory(byte[] bytes) {
    return () -> bytes;
  }

  /** A record whose bytes are unavailable for the given reason. */
  public static Bytes unreadable(String reason) {
    return () -> {
      throw new UnreadableInputException(reason);
    };
  }
}

package org.fsqspark.error;

/**
 * A user's argument, setting, manifest or model folder cannot be used; the message names the value and the
 * fix. The command ends with exit code 2. It is an {@link IllegalArgumentException}, so argument checks that
 * catch those keep working; a plain {@code IllegalArgumentException} is a bug (exit code 1).
 */
public class BadInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}

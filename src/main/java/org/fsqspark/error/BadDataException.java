package org.fsqspark.error;

/**
 * Data cannot be used: a damaged or foreign table, a row that breaks the table contract, an encoder output
 * that cannot be tokens. Where it stops a whole command the exit code is 2 and the message names the data;
 * where it concerns one record the job writes a reject row and carries on.
 */
public class BadDataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BadDataException(String message) {
    super(message);
  }

  public BadDataException(String message, Throwable cause) {
    super(message, cause);
  }
}

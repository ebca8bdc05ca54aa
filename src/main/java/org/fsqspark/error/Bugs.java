package org.fsqspark.error;

import java.util.ConcurrentModificationException;

/**
 * Recognises programming errors inside wrappers (DJL wraps every translator failure in a TranslateException),
 * so code that turns a model's or a record's failure into a message or a reject row can let bugs through.
 */
public final class Bugs {
  private Bugs() {}

  /** Whether {@code failure} or one of its causes is an exception that only a bug in this code throws. */
  public static boolean isBug(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof NullPointerException || t instanceof ClassCastException
          || t instanceof IndexOutOfBoundsException || t instanceof ArrayStoreException
          || t instanceof ArithmeticException || t instanceof NegativeArraySizeException
          || t instanceof ConcurrentModificationException) {
        return true;
      }
    }
    return false;
  }

  /** Rethrows {@code failure} when it is a bug ({@link #isBug}); returns otherwise. */
  public static void rethrowIfBug(Throwable failure) {
    if (isBug(failure)) {
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(failure.getMessage(), failure);
    }
  }
}

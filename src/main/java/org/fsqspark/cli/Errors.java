package org.fsqspark.cli;

import java.util.Set;
import org.fsqspark.error.BadDataException;
import org.fsqspark.error.BadInputException;

/** Unwraps Spark's and the JDK's wrapper exceptions down to the message a person can act on. */
final class Errors {
  private static final Set<String> WRAPPERS = Set.of(
      "org.apache.spark.SparkException",
      "java.util.concurrent.ExecutionException",
      "java.util.concurrent.CompletionException",
      "java.lang.reflect.InvocationTargetException",
      "picocli.CommandLine$ExecutionException");

  private Errors() {}

  static Throwable rootCause(Throwable failure) {
    Throwable current = failure;
    while (current.getCause() != null && current.getCause() != current
        && (WRAPPERS.contains(current.getClass().getName()) || current.getMessage() == null)) {
      current = current.getCause();
    }
    return current;
  }

  /** 2 for bad input or bad data, which the message explains; 1 for anything else, which is a bug or a failing machine. */
  static int exitCode(Throwable cause) {
    return cause instanceof BadInputException || cause instanceof BadDataException ? 2 : 1;
  }

  /** The message; for unexpected exception types prefixed by the type, which is often half the story. */
  static String describe(Throwable cause) {
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      return cause.getClass().getName();
    }
    boolean expected = cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
        || cause instanceof java.io.UncheckedIOException;
    return expected ? message : cause.getClass().getSimpleName() + ": " + message;
  }
}

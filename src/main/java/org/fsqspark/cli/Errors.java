package org.fsqspark.cli;

import java.util.Set;

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

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getName() : message;
  }
}

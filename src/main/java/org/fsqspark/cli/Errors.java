package org.fsqspark.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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

  /**
   * 2 for bad input or bad data, which the message explains, and for a file or folder the user named that cannot
   * be used as it is (no permission, a file where a folder must be, a symbolic link loop); 1 for anything else,
   * which is a bug or a failing machine.
   */
  static int exitCode(Throwable cause) {
    if (cause instanceof BadInputException || cause instanceof BadDataException) {
      return 2;
    }
    Throwable io = cause instanceof UncheckedIOException ? cause.getCause() : cause;
    boolean unusablePath = io instanceof AccessDeniedException || io instanceof NotDirectoryException
        || io instanceof FileAlreadyExistsException || io instanceof FileSystemLoopException
        // Creating a folder below a file: the JDK reports ENOTDIR as a plain FileSystemException.
        || io instanceof FileSystemException fs && "Not a directory".equals(fs.getReason());
    return unusablePath ? 2 : 1;
  }

  /**
   * The message; for unexpected exception types prefixed by the type, which is often half the story. An I/O
   * failure wrapped with "Cannot write X" gets its reason ("permission denied on X") appended.
   */
  static String describe(Throwable cause) {
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      return cause instanceof NullPointerException ? "an unexpected empty value (NullPointerException); this is a bug"
          + " in fsq-spark, please report it with the log file" : cause.getClass().getName();
    }
    if (cause instanceof UncheckedIOException && cause.getCause() instanceof IOException io) {
      String reason = reason(io);
      String what = reason.contains(": ") ? reason.substring(0, reason.indexOf(": ")) : reason;
      return message.toLowerCase(java.util.Locale.ROOT).contains(what.toLowerCase(java.util.Locale.ROOT)) ? message
          : message + " (" + reason + ")";
    }
    boolean expected = cause instanceof IllegalArgumentException || cause instanceof IllegalStateException;
    return expected ? message : cause.getClass().getSimpleName() + ": " + message;
  }

  /** What went wrong in plain words, with the file it concerns. */
  static String reason(IOException io) {
    String file = io instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : null;
    String what;
    if (io instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (io instanceof NoSuchFileException) {
      what = "no such file or folder";
    } else if (io instanceof NotDirectoryException
        || io instanceof FileSystemException notFolder && "Not a directory".equals(notFolder.getReason())) {
      what = "not a folder: a file is in the way";
    } else if (io instanceof FileAlreadyExistsException) {
      what = "a file is in the way";
    } else if (io instanceof FileSystemLoopException) {
      what = "a symbolic link loop: it points back to a folder above it";
    } else if (io instanceof FileSystemException fs && fs.getReason() != null) {
      what = fs.getReason();
    } else {
      return io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage());
    }
    return file == null ? what : what + ": " + file;
  }
}

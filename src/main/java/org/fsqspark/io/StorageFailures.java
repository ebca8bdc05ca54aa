package org.fsqspark.io;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * Tells a bad input (a file that is gone, unreadable or shorter than listed: reject it) from a failing
 * storage service (connection refused, timeouts, throttling: fail the task so Spark retries it). A storage
 * outage must never turn good images into permanent rejects.
 */
public final class StorageFailures {
  private StorageFailures() {}

  /** Whether a failure to read one file says something about the file itself. */
  public static boolean isAboutTheFile(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FileNotFoundException || t instanceof AccessDeniedException || t instanceof EOFException
          || t.getClass().getName().equals("org.apache.hadoop.security.AccessControlException")
          || (t instanceof FileSystemException local && !isLackOfResources(local))) {
        return !isTransient(failure);
      }
    }
    return false;
  }

  /**
   * A local file-system failure that says nothing about the file: the process or the disk ran short. java.nio
   * reports everything else about one path (gone, a folder, a loop of links, a name too long) as a
   * {@link FileSystemException} naming that path.
   */
  private static boolean isLackOfResources(FileSystemException failure) {
    String reason = String.valueOf(failure.getReason());
    return reason.contains("Too many open files") || reason.contains("No space left") || reason.contains("Cannot "
        + "allocate memory") || reason.contains("Input/output error");
  }

  /** Whether the failure comes from the network or the storage service rather than from the data. */
  public static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String name = t.getClass().getName();
      if (t instanceof java.net.SocketException || t instanceof java.net.UnknownHostException
          || t instanceof InterruptedIOException || t instanceof java.net.http.HttpTimeoutException
          || name.startsWith("software.amazon.awssdk.core.exception.SdkClientException")
          || name.startsWith("software.amazon.awssdk.core.exception.RetryableException")
          || name.startsWith("org.apache.hadoop.fs.s3a.AWSClientIOException")
          || name.startsWith("org.apache.hadoop.fs.s3a.AWSServiceThrottledException")
          || name.startsWith("org.apache.hadoop.fs.s3a.AWSStatus500Exception")
          || name.startsWith("org.apache.hadoop.net.ConnectTimeoutException")) {
        return true;
      }
    }
    return false;
  }
}

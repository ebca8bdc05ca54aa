package org.fsqspark.cli;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.jobs.SparkSessions;

/**
 * A job's SparkSession started on a background thread once the command knows it will need one, so that Spark's
 * start (about a second) overlaps the driver's own listing of a large local input instead of following it.
 */
final class SparkStart {
  private final String appName;
  private final Map<String, String> settings;
  private CompletableFuture<SparkSession> session;

  public SparkStart(String appName, Map<String, String> settings) {
    this.appName = appName;
    this.settings = Map.copyOf(settings);
  }

  /** Starts the session in the background; later calls do nothing. */
  public synchronized void begin() {
    if (session != null) {
      return;
    }
    CompletableFuture<SparkSession> started = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        started.complete(SparkSessions.start(appName, settings));
      } catch (RuntimeException | Error e) {
        started.completeExceptionally(e);
      }
    }, "fsq-spark-start");
    thread.setDaemon(true);
    thread.start();
    session = started;
  }

  /** The session, starting it now if nothing began it; throws what starting it threw. */
  public SparkSession session() {
    begin();
    SparkSession started;
    try {
      started = session.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
    // The session is active on the thread that built it; the job's calls come from this one.
    org.apache.spark.sql.classic.SparkSession.setActiveSession(
        (org.apache.spark.sql.classic.SparkSession) started);
    return started;
  }

  /**
   * For a command that failed before it needed Spark: stops the session if one was begun, so that nothing
   * outlives the command in a JVM that goes on (tests, notebooks).
   */
  public synchronized void abandon() {
    if (session == null) {
      return;
    }
    try {
      session.join().stop();
    } catch (CompletionException e) {
      // It did not start; there is nothing to stop, and the command's own failure is the one to report.
    }
  }
}

package org.fsqspark.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.error.BadInputException;

/**
 * Reaches the object stores a command names before Spark starts, within a time limit. S3A retries a refused
 * or timed-out connection with back-off for many minutes and says nothing on the console; this says what it
 * is retrying after a few seconds and gives up at {@code --storage-timeout}.
 */
final class StorageProbe {
  private static final String HADOOP_PREFIX = "spark.hadoop.";
  private static final long NOTICE_MILLIS = 3000;

  private StorageProbe() {}

  /**
   * Checks every {@code s3a://} location of {@code locations} (others are left to the job).
   *
   * @throws IllegalStateException when a store does not answer within {@code timeoutSeconds}
   */
  static void check(List<String> locations, Map<String, String> settings, int timeoutSeconds, PrintWriter console) {
    List<String> remote = locations.stream().filter(Objects::nonNull)
        .filter(location -> location.startsWith("s3a://")).toList();
    if (remote.isEmpty()) {
      return;
    }
    Configuration conf = new Configuration();
    settings.forEach((key, value) -> {
      if (key.startsWith(HADOOP_PREFIX)) {
        conf.set(key.substring(HADOOP_PREFIX.length()), value);
      }
    });
    ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
      Thread probe = new Thread(runnable, "fsq-storage-probe");
      probe.setDaemon(true);
      return probe;
    });
    try {
      for (String location : remote) {
        probe(thread, conf, location, timeoutSeconds, console);
      }
    } finally {
      thread.shutdownNow();
    }
  }

  private static void probe(ExecutorService thread, Configuration conf, String location, int timeoutSeconds,
      PrintWriter console) {
    Path path = new Path(location);
    String endpoint = conf.get("fs.s3a.endpoint", "AWS S3");
    Future<Boolean> reached = thread.submit(() -> {
      try (FileSystem fs = FileSystem.newInstance(URI.create(path.toUri().getScheme() + "://"
          + path.toUri().getAuthority() + "/"), conf)) {
        return fs.exists(path);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    try {
      reached.get(Math.min(NOTICE_MILLIS, TimeUnit.SECONDS.toMillis(timeoutSeconds)), TimeUnit.MILLISECONDS);
      return;
    } catch (TimeoutException e) {
      console.printf("fsq: no answer yet from %s for %s; S3A is retrying the request, for up to %d s in all"
          + " (--storage-timeout)%n", endpoint, location, timeoutSeconds);
      console.flush();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IllegalArgumentException badLocation) {
        // e.g. keys written into the URL, which S3A refuses: a bad argument, said before Spark starts.
        throw new BadInputException(location + ": " + badLocation.getMessage(), badLocation);
      }
      return; // an answer, if not a good one: the job reports it with its own message
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      reached.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      reached.cancel(true);
      throw new IllegalStateException("No answer from " + endpoint + " for " + location + " within " + timeoutSeconds
          + " s (--storage-timeout): check the endpoint (fs.s3a.endpoint), that the server is up and reachable"
          + " from here, and the network; the log file has the details");
    } catch (ExecutionException e) {
      // answered in the end
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

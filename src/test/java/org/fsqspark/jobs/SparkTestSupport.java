package org.fsqspark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** One local Spark session shared by the Spark tests, plus what separate executor JVMs need. */
public final class SparkTestSupport {
  private SparkTestSupport() {}

  /** The shared {@code local[2]} session (UI off, loopback only). */
  public static synchronized SparkSession local() {
    SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
    if (active != null && !active.sparkContext().isStopped() && active.sparkContext().master().startsWith("local[")) {
      return active;
    }
    if (active != null) {
      active.stop();
    }
    return SparkSessions.start("fsq-tests", Map.of(
        "spark.master", "local[2]",
        "spark.ui.enabled", "false",
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.sql.shuffle.partitions", "4",
        "spark.sql.files.maxPartitionBytes", "65536",
        "spark.sql.files.openCostInBytes", "4096"));
  }

  /** Stops whatever session is active, so a test can start one with another master. */
  public static synchronized void stopActive() {
    SparkSession.getActiveSession().foreach(session -> {
      session.stop();
      return null;
    });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** A SPARK_HOME with an empty {@code jars/}: executors launched by a worker need one to exist. */
  public static Path sparkHome() {
    Path home = Path.of(System.getProperty("fsq.test.spark.home", "target/spark-home")).toAbsolutePath();
    try {
      Files.createDirectories(home.resolve("jars"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return home;
  }

  /** The project's full classpath (classes, test classes, dependencies) for executor JVMs. */
  public static String executorClasspath() {
    Path project = Path.of(System.getProperty("fsq.test.project.dir", ".")).toAbsolutePath();
    try {
      String dependencies = Files.readString(project.resolve("target/classpath.txt")).trim()
          + java.io.File.pathSeparator + Files.readString(project.resolve("target/spark-classpath.txt")).trim();
      return project.resolve("target/classes") + java.io.File.pathSeparator + project.resolve("target/test-classes")
          + java.io.File.pathSeparator + dependencies;
    } catch (IOException e) {
      throw new UncheckedIOException("target/classpath.txt is missing; run the tests through Maven", e);
    }
  }
}

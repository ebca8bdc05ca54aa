package org.fsqspark.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.fsqspark.error.BadInputException;
import picocli.CommandLine.Option;

/** Spark settings shared by every Spark job: a profile from conf/, then --master and --conf on top. */
final class SparkOptions {
  @Option(names = "--profile", paramLabel = "NAME|FILE",
      description = "Spark settings from conf/NAME.properties (local, gpu-cluster, s3) or a .properties file. "
          + "Embedded runs without --master use 'local'.")
  String profile;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master, e.g. local[4], spark://host:7077, yarn (default: spark-submit's, else local[*]).")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "A Spark or Hadoop setting (repeatable), as spark-submit --conf; Hadoop keys take the "
          + "spark.hadoop. prefix, e.g. spark.hadoop.fs.s3a.endpoint=...")
  List<String> conf = new ArrayList<>();

  @Option(names = "--storage-timeout", defaultValue = "120", paramLabel = "SECONDS",
      description = "Before Spark starts, give up on an s3a:// input or output whose server does not answer within"
          + " this many seconds (S3A retries refused connections for many minutes; default: ${DEFAULT-VALUE}).")
  int storageTimeout;

  /**
   * {@link #settings()}, after checking that the object stores among {@code locations} answer within
   * {@code --storage-timeout}.
   */
  Map<String, String> settingsReaching(java.io.PrintWriter console, String... locations) {
    Map<String, String> settings = settings();
    if (storageTimeout <= 0) {
      throw new BadInputException("--storage-timeout must be a positive number of seconds, got "
          + storageTimeout);
    }
    StorageProbe.check(java.util.Arrays.asList(locations), settings, storageTimeout, console);
    return settings;
  }

  /** The settings to apply, in order of precedence: profile, then --master, then --conf. */
  Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    String chosen = profile;
    boolean underSparkSubmit = System.getProperty("spark.master") != null;
    if (chosen == null && master == null && !underSparkSubmit && confDirectory() != null) {
      chosen = "local";
    }
    if (chosen != null) {
      settings.putAll(readProfile(chosen));
    }
    if (master != null) {
      settings.put("spark.master", master);
    }
    for (String entry : conf) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new BadInputException("--conf '" + entry + "' is not KEY=VALUE, e.g. --conf spark.executor.memory=4g");
      }
      settings.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
    }
    settings.forEach(SparkOptions::checkSize);
    return settings;
  }

  /**
   * Memory sizes are parsed deep inside Spark, whose message names neither the setting nor where it came from;
   * a mistake in one is caught here instead.
   */
  private static void checkSize(String key, String value) {
    if (key.endsWith(".memory") || key.endsWith(".memoryOverhead") || key.endsWith(".maxResultSize")) {
      try {
        org.apache.spark.network.util.JavaUtils.byteStringAsBytes(value);
      } catch (RuntimeException e) {
        throw new BadInputException(key + "=" + value + " is not a size: give a number with a unit, e.g. "
            + key + "=4g or 512m");
      }
    }
  }

  private static Map<String, String> readProfile(String name) {
    Path file = name.endsWith(".properties") || name.contains("/") ? Path.of(name) : profileFile(name);
    if (file == null || !Files.isRegularFile(file)) {
      throw new BadInputException("Profile '" + name + "' not found"
          + (file == null ? " (conf/ is unknown outside jobs/fsq; pass a .properties file)" : " at " + file)
          + "; available: local, gpu-cluster, s3, or a path to a .properties file");
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read profile " + file, e);
    } catch (IllegalArgumentException e) {
      // Properties.load names neither the file nor the line ("Malformed \\uxxxx encoding.").
      throw new BadInputException("Profile " + file + " is not a valid .properties file (" + e.getMessage()
          + "): a backslash starts an escape such as \\u00e9; write \\\\ for a backslash, e.g. in Windows paths", e);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      settings.put(key, properties.getProperty(key).trim());
    }
    return settings;
  }

  private static Path profileFile(String name) {
    Path directory = confDirectory();
    return directory == null ? null : directory.resolve(name + ".properties");
  }

  private static Path confDirectory() {
    String directory = System.getProperty("fsq.conf.dir");
    return directory == null ? null : Path.of(directory);
  }
}

package org.fsqspark.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The log file of one run. conf/log4j2.properties sends Spark's, Hadoop's and DJL's log there and keeps the
 * console for fsq's own lines; {@code FSQ_DEBUG=1} puts everything back on the console. Error lines name the
 * file, so the stack trace and the warnings before it are one {@code less} away.
 */
final class RunLog {
  /** The log file conf/log4j2.properties writes to. */
  static final String FILE_PROPERTY = "fsq.log.file";
  /** The level from which other libraries' log lines reach the console: off unless FSQ_DEBUG=1. */
  static final String CONSOLE_LEVEL_PROPERTY = "fsq.console.level";
  /** Earlier runs' logs kept in the log folder; older ones are deleted when a run starts. */
  static final int KEPT_LOGS = 20;

  private RunLog() {}

  /** Whether the user asked for stack traces and every library's log on the console. */
  static boolean debug() {
    return "1".equals(System.getenv("FSQ_DEBUG"));
  }

  /**
   * Chooses the log file and the console level before anything logs (log4j reads the properties once, when it
   * starts). Leaves settings that the launcher or the user made alone.
   */
  static void prepare() {
    if (System.getProperty(CONSOLE_LEVEL_PROPERTY) == null) {
      System.setProperty(CONSOLE_LEVEL_PROPERTY, debug() ? "warn" : "off");
    }
    if (System.getProperty(FILE_PROPERTY) != null) {
      return;
    }
    Path folder = folder();
    try {
      Files.createDirectories(folder);
      prune(folder);
    } catch (IOException | RuntimeException e) {
      // No log folder: log4j falls back to its default file; the console line still says what went wrong.
      return;
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    System.setProperty(FILE_PROPERTY, folder.resolve("fsq-" + stamp + "-" + ProcessHandle.current().pid() + ".log")
        .toString());
  }

  /** The log file of this run when one was written, else null (e.g. under a logging setup of the user's). */
  static Path file() {
    String file = System.getProperty(FILE_PROPERTY);
    if (file == null) {
      return null;
    }
    Path path = Path.of(file);
    return Files.isRegularFile(path) ? path : null;
  }

  /** {@code FSQ_LOG_DIR}, else {@code fsq-USER/logs} in the temporary folder. */
  static Path folder() {
    String configured = System.getenv("FSQ_LOG_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "fsq-" + System.getProperty("user.name"), "logs");
  }

  private static void prune(Path folder) throws IOException {
    List<Path> logs = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "fsq-*.log")) {
      files.forEach(logs::add);
    }
    // Names start with the time stamp, so name order is age order.
    logs.sort(Comparator.comparing(Path::getFileName));
    for (int i = 0; i < logs.size() - (KEPT_LOGS - 1); i++) {
      Files.deleteIfExists(logs.get(i));
    }
  }
}

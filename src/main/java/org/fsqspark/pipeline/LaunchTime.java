package org.fsqspark.pipeline;

import java.lang.management.ManagementFactory;

/**
 * When the user's command started, for {@code first_image_seconds} in {@code _job.json}: the launcher's own
 * start ({@code FSQ_LAUNCH_MS}, epoch ms, exported by jobs/fsq) when it is plausible, else the JVM's start.
 */
public final class LaunchTime {
  /** A launcher that started longer ago than this before its JVM did not launch it: the variable was inherited. */
  static final long MAX_LAUNCHER_LEAD_MS = 60_000;
  /** JVM start times are rounded to milliseconds on another clock read; allow that much disagreement. */
  private static final long CLOCK_SLACK_MS = 1_000;

  private LaunchTime() {}

  /** Epoch ms of the command's start in this process. */
  public static long millis() {
    return choose(System.getenv("FSQ_LAUNCH_MS"), ManagementFactory.getRuntimeMXBean().getStartTime());
  }

  /** The launcher's time when it parses and lies shortly before the JVM's start, else the JVM's start. */
  static long choose(String launcherMillis, long jvmStartMillis) {
    if (launcherMillis == null || launcherMillis.isBlank()) {
      return jvmStartMillis;
    }
    long launched;
    try {
      launched = Long.parseLong(launcherMillis.trim());
    } catch (NumberFormatException e) {
      // e.g. `date +%s%3N` on a system whose date has no %N: not a time, so not the launcher's.
      return jvmStartMillis;
    }
    boolean plausible = launched <= jvmStartMillis + CLOCK_SLACK_MS && launched >= jvmStartMillis - MAX_LAUNCHER_LEAD_MS;
    return plausible ? launched : jvmStartMillis;
  }
}

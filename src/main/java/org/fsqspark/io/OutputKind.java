package org.fsqspark.io;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What one kind of job writes into its output folder: the job's name (as {@code fsq JOB}) and the paths it
 * owns, as globs on paths relative to the output. {@code *} matches within one name, {@code **} across
 * folders: {@code part-*.parquet}, {@code _rejects/part-*.parquet}, {@code images/**.png},
 * {@code _temporary/**}. The marker file and the hidden companions of owned files ({@code .NAME.crc} of
 * Hadoop's local file system, {@code .NAME.tmp} of our atomic writes) are owned too. {@link OutputFolder}
 * deletes nothing that does not match.
 *
 * @param job the command name, e.g. {@code tokenize}
 * @param owned globs of the files the job writes
 */
public record OutputKind(String job, List<String> owned) {
  private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

  public OutputKind {
    if (job == null || !job.matches("[a-z][a-z0-9 -]*")) {
      throw new IllegalArgumentException("An output kind needs a job name of lowercase letters, got " + job);
    }
    if (owned == null || owned.isEmpty()) {
      throw new IllegalArgumentException("Output kind " + job + " must own at least one path pattern");
    }
    for (String pattern : owned) {
      if (pattern == null || pattern.isEmpty() || pattern.startsWith("/") || pattern.contains("..")
          || pattern.equals("**") || pattern.equals("*")) {
        throw new IllegalArgumentException("Output kind " + job + " has a pattern that is empty, absolute, climbs "
            + "or owns everything: " + pattern);
      }
    }
    owned = List.copyOf(owned);
  }

  /** Shorthand: {@code OutputKind.of("stats", "stats.json", "report.html")}. */
  public static OutputKind of(String job, String... owned) {
    return new OutputKind(job, List.of(owned));
  }

  /** Whether a file at {@code relative} (slash-separated, relative to the output) is one this job writes. */
  public boolean ownsFile(String relative) {
    if (relative.equals(OutputFolder.MARKER_FILE)) {
      return true;
    }
    int slash = relative.lastIndexOf('/');
    String name = relative.substring(slash + 1);
    if (name.startsWith(".") && (name.endsWith(".crc") || name.endsWith(".tmp")) && name.length() > 5) {
      String companionOf = relative.substring(0, slash + 1) + name.substring(1, name.length() - 4);
      if (companionOf.equals(OutputFolder.MARKER_FILE) || matchesAny(companionOf)) {
        return true;
      }
    }
    return matchesAny(relative);
  }

  /** Whether a folder at {@code relative} is one this job's files may live in. */
  public boolean ownsFolder(String relative) {
    String[] folder = relative.split("/");
    for (String pattern : owned) {
      String[] parts = pattern.split("/");
      for (int i = 0; i < folder.length && i < parts.length; i++) {
        if (parts[i].contains("**")) {
          return true;
        }
        if (i == parts.length - 1 || !regex(parts[i]).matcher(folder[i]).matches()) {
          break;
        }
        if (i == folder.length - 1) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean matchesAny(String relative) {
    for (String pattern : owned) {
      if (regex(pattern).matcher(relative).matches()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern regex(String glob) {
    // Compiled once per glob: a decode output can hold hundreds of thousands of files to match.
    return COMPILED.computeIfAbsent(glob, OutputKind::compile);
  }

  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        regex.append(Pattern.quote(current.toString()));
        current.setLength(0);
        boolean deep = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
        regex.append(deep ? ".*" : "[^/]*");
        i += deep ? 1 : 0;
      } else {
        current.append(c);
      }
    }
    regex.append(Pattern.quote(current.toString()));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}

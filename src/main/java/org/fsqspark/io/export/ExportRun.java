package org.fsqspark.io.export;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.error.BadInputException;

/**
 * What an export run was asked to do ({@code _run.json}): the settings and the table's part files with their
 * sizes. A re-run resumes an unfinished export only when this is the same, since only then does every
 * committed shard hold what the re-run would write.
 */
public final class ExportRun {
  /** The file in the output. */
  public static final String FILE = "_run.json";

  private final JsonObject json;

  private ExportRun(JsonObject json) {
    this.json = json;
  }

  /** A part file of the table and its size. */
  public record PartFile(String path, long bytes) {}

  public static ExportRun of(ExportSettings settings, String input, List<PartFile> parts) {
    JsonObject root = new JsonObject();
    root.addProperty("input", input);
    root.addProperty("format", settings.format().cliName());
    root.addProperty("seed", settings.seed());
    root.addProperty("validation_share", settings.validationShare());
    root.addProperty("rows_per_file", settings.rowsPerFile());
    root.addProperty("label", settings.labelColumn());
    root.addProperty("prefix_label", settings.prefixLabel());
    JsonArray files = new JsonArray();
    for (PartFile part : parts) {
      JsonObject file = new JsonObject();
      file.addProperty("path", part.path());
      file.addProperty("bytes", part.bytes());
      files.add(file);
    }
    root.add("table", files);
    return new ExportRun(root);
  }

  /** The run recorded in {@code text}, or null when it is not readable. */
  public static ExportRun parse(String text) {
    try {
      JsonElement parsed = JsonParser.parseString(text);
      return parsed.isJsonObject() ? new ExportRun(parsed.getAsJsonObject()) : null;
    } catch (RuntimeException e) {
      // A half-written or edited file: the run cannot be matched, which the caller reports.
      return null;
    }
  }

  /** The first setting that differs from {@code other}, as {@code seed (1 vs 2)}, or null when none does. */
  public String difference(ExportRun other) {
    for (String key : json.keySet()) {
      JsonElement mine = json.get(key);
      JsonElement theirs = other.json.get(key);
      if (!mine.equals(theirs)) {
        return key.equals("table") ? "the table's part files" : key + " (" + theirs + " then, " + mine + " now)";
      }
    }
    return null;
  }

  /**
   * Checks that this run may write into {@code output}, which holds an earlier export run: a complete export is
   * replaced only with {@code --overwrite}; an unfinished one is finished only by a run of the same settings
   * over the same table, since only then does every committed file hold what this run would write.
   *
   * @throws IllegalArgumentException naming what differs
   */
  public void refuseUnlessItFinishes(Configuration conf, Path output, String shown) {
    try {
      FileSystem fs = output.getFileSystem(conf);
      for (ExportFormat format : ExportFormat.values()) {
        if (fs.exists(new Path(output, ExportHeader.fileName(format)))) {
          throw new BadInputException("Output " + shown + " already holds a complete export; pass --overwrite"
              + " to replace it (only the files fsq export writes are deleted) or choose another --output");
        }
      }
      Path runFile = new Path(output, FILE);
      if (!fs.exists(runFile)) {
        // Killed before it recorded its settings, so before it wrote any file.
        return;
      }
      String text;
      try (FSDataInputStream in = fs.open(runFile)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      ExportRun earlier = parse(text);
      String difference = earlier == null ? "an unreadable " + FILE : difference(earlier);
      if (difference != null) {
        throw new BadInputException("Output " + shown + " holds an unfinished export that differs in "
            + difference + "; re-run it with the same settings to finish it, or pass --overwrite to start over");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot inspect output " + shown + ": " + e.getMessage(), e);
    }
  }

  public String toJson() {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(json) + "\n";
  }
}

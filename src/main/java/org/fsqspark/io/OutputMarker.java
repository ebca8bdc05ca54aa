package org.fsqspark.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of {@code _fsq_output.json}: which fsq job made an output folder, when, and which paths it
 * writes there. It is what lets a later {@code --overwrite} tell the project's files from a user's. The
 * {@code owns} list is for people to read; what may be deleted always comes from the running job's
 * {@link OutputKind}, never from a file that anyone could have edited.
 *
 * @param job the command that made the folder, e.g. {@code tokenize}
 * @param created when the folder was first made ours (ISO-8601, UTC)
 * @param owns the path globs that job writes
 */
public record OutputMarker(String job, String created, List<String> owns) {
  /** Value of the {@code written_by} field, which tells the marker from a file of the same name. */
  public static final String WRITER = "fsq-spark";

  public OutputMarker {
    if (job == null || job.isBlank()) {
      throw new IllegalArgumentException("An output marker needs the job that wrote the folder");
    }
    owns = owns == null ? List.of() : List.copyOf(owns);
  }

  /** The marker a job writes now. */
  public static OutputMarker of(OutputKind kind) {
    return new OutputMarker(kind.job(), Instant.now().toString(), kind.owned());
  }

  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("written_by", WRITER);
    root.addProperty("job", job);
    root.addProperty("created", created);
    JsonArray patterns = new JsonArray();
    owns.forEach(patterns::add);
    root.add("owns", patterns);
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
  }

  /** The marker in {@code json}, or null when it is not one written by fsq-spark. */
  public static OutputMarker parse(String json) {
    try {
      JsonElement parsed = JsonParser.parseString(json);
      if (!parsed.isJsonObject()) {
        return null;
      }
      JsonObject root = parsed.getAsJsonObject();
      if (!root.has("written_by") || !WRITER.equals(root.get("written_by").getAsString()) || !root.has("job")) {
        return null;
      }
      List<String> owns = new ArrayList<>();
      if (root.has("owns") && root.get("owns").isJsonArray()) {
        root.getAsJsonArray("owns").forEach(element -> owns.add(element.getAsString()));
      }
      return new OutputMarker(root.get("job").getAsString(),
          root.has("created") ? root.get("created").getAsString() : "", owns);
    } catch (RuntimeException e) {
      // Not JSON, or not our fields: the folder is then not provably ours, which is the safe answer.
      return null;
    }
  }
}

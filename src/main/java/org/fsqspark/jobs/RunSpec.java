package org.fsqspark.jobs;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a tokenize run was asked to do, written to {@code _run.json} when an output is started. A re-run
 * resumes only when it would produce the same shards with the same model: same input listing (digest),
 * shard layout, model and column choices.
 */
record RunSpec(Map<String, String> fields) {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  static RunSpec of(String input, String format, String listingDigest, int shards, int filesPerShard,
      long maxShardBytes, String modelKey,
      String imageColumn, String idColumn, List<String> passthrough) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("input", input);
    fields.put("format", format);
    fields.put("listing_sha256", listingDigest);
    fields.put("shards", Integer.toString(shards));
    fields.put("files_per_shard", Integer.toString(filesPerShard));
    fields.put("max_shard_bytes", Long.toString(maxShardBytes));
    fields.put("model", modelKey);
    fields.put("image_column", String.valueOf(imageColumn));
    fields.put("id_column", String.valueOf(idColumn));
    fields.put("passthrough", String.join(",", passthrough));
    return new RunSpec(fields);
  }

  String toJson() {
    JsonObject root = new JsonObject();
    fields.forEach(root::addProperty);
    return GSON.toJson(root) + "\n";
  }

  static RunSpec fromJson(String json) {
    JsonObject root = JsonParser.parseString(json).getAsJsonObject();
    Map<String, String> fields = new LinkedHashMap<>();
    root.entrySet().forEach(entry -> fields.put(entry.getKey(), entry.getValue().getAsString()));
    return new RunSpec(fields);
  }

  /** Human-readable differences from an earlier run, empty when this run may resume it. */
  List<String> differencesFrom(RunSpec earlier) {
    List<String> differences = new ArrayList<>();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      String before = earlier.fields.get(field.getKey());
      if (!field.getValue().equals(before)) {
        differences.add(field.getKey() + " was " + before + ", now " + field.getValue());
      }
    }
    return differences;
  }
}

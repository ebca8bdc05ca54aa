package org.fsqspark.shard;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sharded run was asked to do, written to {@code _run.json} when its output is started. A re-run
 * resumes only when it would produce the same shards from the same inputs with the same model and settings.
 */
public final class RunSpec {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private final Map<String, String> fields = new LinkedHashMap<>();

  /** Adds a field; fields keep their order in {@code _run.json}. Null is written as {@code "null"}. */
  public RunSpec with(String name, Object value) {
    fields.put(name, String.valueOf(value));
    return this;
  }

  /** Adds a field holding the SHA-256 of {@code values}, one per line: a long listing in one short line. */
  public RunSpec withDigest(String name, Collection<String> values) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String value : values) {
        sha.update((value + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return with(name, HexFormat.of().formatHex(sha.digest()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public Map<String, String> fields() {
    return Collections.unmodifiableMap(fields);
  }

  public String toJson() {
    JsonObject root = new JsonObject();
    fields.forEach(root::addProperty);
    return GSON.toJson(root) + "\n";
  }

  public static RunSpec fromJson(String json) {
    RunSpec spec = new RunSpec();
    JsonParser.parseString(json).getAsJsonObject().entrySet()
        .forEach(entry -> spec.with(entry.getKey(), entry.getValue().getAsString()));
    return spec;
  }

  /**
   * Human-readable differences from an earlier run, empty when this run may resume it. Fields are compared both
   * ways: a field recorded only when set (tokenize's variants) that the earlier run had and this one has not is a
   * difference too, or resuming a table of variants without them would mix rows of both kinds.
   */
  public List<String> differencesFrom(RunSpec earlier) {
    List<String> differences = new ArrayList<>();
    java.util.Set<String> names = new java.util.LinkedHashSet<>(fields.keySet());
    names.addAll(earlier.fields.keySet());
    for (String name : names) {
      String before = earlier.fields.get(name);
      String now = fields.get(name);
      if (!java.util.Objects.equals(before, now)) {
        differences.add(name + " was " + (before == null ? "not set" : before) + ", now "
            + (now == null ? "not set" : now));
      }
    }
    return differences;
  }
}

package org.fsqspark.io.export;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Comparator;
import java.util.List;

/**
 * The JSON an export writes last, which marks it complete: {@code header.json} beside a {@code bin} export
 * (dtype, row length, grid, class-token prefix, the index's record type, every split's files and rows, the
 * tokenizer manifest), {@code _export.json} beside a Parquet one (the same without the bin fields; the name
 * starts with {@code _} so that readers of the split folders skip it).
 */
public final class ExportHeader {
  private ExportHeader() {}

  /** The header's file name for a format. */
  public static String fileName(ExportFormat format) {
    return format == ExportFormat.BIN ? "header.json" : "_export.json";
  }

  /** The header of a finished export. */
  public static String of(ExportPlan plan, List<ExportedShard> shards, long tableRows, double seconds) {
    ExportSettings settings = plan.settings();
    JsonObject root = new JsonObject();
    root.addProperty("written_by", "fsq-spark");
    root.addProperty("format", settings.format().cliName());
    root.addProperty("input", plan.input());
    root.addProperty("table_rows", tableRows);
    root.addProperty("codebook_size", plan.codebookSize());
    JsonArray grid = new JsonArray();
    grid.add(plan.manifest().gridHeight());
    grid.add(plan.manifest().gridWidth());
    root.add("grid", grid);
    if (plan.variants().isNone()) {
      root.add("variants", com.google.gson.JsonNull.INSTANCE);
    } else {
      // Rows per image; every variant of an id lies in the same split (the split hashes the id alone).
      JsonArray variants = new JsonArray();
      plan.variants().names().forEach(variants::add);
      root.add("variants", variants);
      root.addProperty("variants_spec", plan.variants().spec());
    }
    if (settings.format() == ExportFormat.BIN) {
      addBinFields(root, plan);
    }
    if (plan.labelColumn() != null) {
      JsonObject label = new JsonObject();
      label.addProperty("column", plan.labelColumn());
      label.addProperty("classes", plan.classes());
      root.add("label", label);
    } else {
      root.add("label", com.google.gson.JsonNull.INSTANCE);
    }
    root.addProperty("seed", settings.seed());
    root.addProperty("validation_share", settings.validationShare());
    root.addProperty("split_rule", ShardWriter.SPLIT_RULE);
    root.addProperty("rows_per_file", settings.rowsPerFile());
    root.add("splits", splits(plan, shards));
    root.addProperty("seconds", Math.round(seconds * 10) / 10.0);
    root.add("manifest", JsonParser.parseString(plan.manifest().toJson()));
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(root) + "\n";
  }

  /** The fields a bin export's reader needs: token and index dtypes, row length and the class-token prefix. */
  private static void addBinFields(JsonObject root, ExportPlan plan) {
    root.addProperty("dtype", plan.dtype().numpy());
    root.addProperty("row_tokens", plan.rowTokens());
    root.addProperty("index_dtype", plan.variants().isNone() ? NpyIndex.DESCR : NpyIndex.DESCR_VARIANTS);
    if (plan.settings().prefixLabel()) {
      JsonObject prefix = new JsonObject();
      prefix.addProperty("column", plan.labelColumn());
      prefix.addProperty("offset", plan.codebookSize());
      prefix.addProperty("classes", plan.classes());
      prefix.addProperty("meaning", "token 0 of every row is offset + label (a class token past the codebook);"
          + " the grid's tokens follow");
      root.add("prefix", prefix);
    } else {
      root.add("prefix", com.google.gson.JsonNull.INSTANCE);
    }
  }

  /** Each split's rows, bytes and files, in file order. */
  private static JsonObject splits(ExportPlan plan, List<ExportedShard> shards) {
    JsonObject splits = new JsonObject();
    for (Split split : Split.values()) {
      JsonObject part = new JsonObject();
      part.addProperty("rows", plan.layout().rows(split));
      JsonArray files = new JsonArray();
      long bytes = 0;
      for (ExportedShard shard : shards.stream().filter(s -> s.split() == split)
          .sorted(Comparator.comparingInt(ExportedShard::file)).toList()) {
        JsonObject file = new JsonObject();
        file.addProperty("rows", shard.rows());
        for (int i = 0; i < shard.names().size(); i++) {
          file.addProperty(role(shard.names().get(i)), shard.names().get(i));
        }
        file.addProperty("bytes", shard.totalBytes());
        bytes += shard.totalBytes();
        files.add(file);
      }
      part.addProperty("bytes", bytes);
      part.add("files", files);
      splits.add(split.folder(), part);
    }
    return splits;
  }

  private static String role(String name) {
    if (name.endsWith(".ids.jsonl")) {
      return "ids";
    }
    if (name.endsWith(".index.npy")) {
      return "index";
    }
    return name.endsWith(".bin") ? "tokens" : "parquet";
  }
}

package org.fsqspark.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.fsqspark.stats.ChannelStatistics;
import org.fsqspark.stats.CostModel;
import org.fsqspark.stats.TableStatistics;

/** {@code stats.json}: one table's figures, or two under {@code a} and {@code b} when tables are compared. */
public final class StatsJson {
  private StatsJson() {}

  /** The file's text: one table as an object, two as {@code {"a": ..., "b": ...}}. */
  public static String of(List<TableStatistics> tables) {
    JsonObject root;
    if (tables.size() == 1) {
      root = object(tables.get(0));
    } else {
      root = new JsonObject();
      root.add("a", object(tables.get(0)));
      root.add("b", object(tables.get(1)));
    }
    return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
  }

  /** One table's figures. */
  public static JsonObject object(TableStatistics table) {
    JsonObject root = new JsonObject();
    root.addProperty("table", table.table());
    root.addProperty("tokenizer", table.tokenizer());
    root.addProperty("levels", table.levels().toString());
    root.addProperty("codebook_size", table.levels().codebookSize());
    root.addProperty("images", table.images());
    root.addProperty("tokens", table.tokens());
    root.addProperty("used_codes", table.usedCodes());
    root.addProperty("dead_codes", table.deadCodes());
    root.addProperty("usage", table.usage());
    root.addProperty("entropy_bits", table.entropyBits());
    root.addProperty("max_entropy_bits", table.maxEntropyBits());
    root.addProperty("entropy_ratio", table.entropyBits() / table.maxEntropyBits());
    root.addProperty("perplexity", table.perplexity());
    root.add("top_codes", topCodes(table));
    root.add("channels", channels(table.channels()));
    root.addProperty("channel_redundancy_bits", table.channels().redundancyBits());
    if (table.compression() != null) {
      root.add("compression", compression(table));
    }
    return root;
  }

  private static JsonArray topCodes(TableStatistics table) {
    JsonArray codes = new JsonArray();
    int[] digits = new int[table.levels().channels()];
    for (long[] entry : table.topCodes()) {
      JsonObject code = new JsonObject();
      code.addProperty("index", entry[0]);
      code.addProperty("count", entry[1]);
      code.addProperty("share", table.share(entry[1]));
      table.levels().digitsOf((int) entry[0], digits);
      code.add("digits", array(digits));
      codes.add(code);
    }
    return codes;
  }

  private static JsonArray channels(ChannelStatistics channels) {
    JsonArray array = new JsonArray();
    for (ChannelStatistics.Channel channel : channels.channels()) {
      JsonObject object = new JsonObject();
      object.addProperty("channel", channel.index());
      object.addProperty("levels", channel.levels());
      JsonArray histogram = new JsonArray();
      for (long count : channel.counts()) {
        histogram.add(count);
      }
      object.add("level_counts", histogram);
      object.addProperty("entropy_bits", channel.entropyBits());
      object.addProperty("max_entropy_bits", channel.maxEntropyBits());
      array.add(object);
    }
    return array;
  }

  private static JsonObject compression(TableStatistics table) {
    JsonObject object = new JsonObject();
    object.addProperty("coder", TableStatistics.CODER);
    object.addProperty("streams", table.compression().streams());
    object.addProperty("verified_tokens", table.compression().verifiedTokens());
    object.addProperty("all_verified", table.allVerified());
    object.addProperty("unigram_header_bytes", table.unigramHeaderBytes());
    JsonObject models = new JsonObject();
    for (CostModel model : CostModel.values()) {
      if (!table.compression().covers(model)) {
        continue;
      }
      JsonObject entry = new JsonObject();
      entry.addProperty("description", model.description());
      String skipped = table.compression().skipped().get(model);
      if (skipped != null) {
        entry.addProperty("skipped", skipped);
      } else {
        entry.addProperty("bytes", table.bytes(model));
        entry.addProperty("bits_per_token", table.bitsPerToken(model));
        entry.addProperty("bits_per_image", table.bitsPerImage(model));
        modelExtras(entry, table, model);
      }
      if (table.compression().detail(model) != null) {
        entry.addProperty("setup", table.compression().detail(model));
      }
      models.add(model.key(), entry);
    }
    object.add("models", models);
    return object;
  }

  /** The ideal code length and verified count of a model measured in its own pass (the masked transformer). */
  private static void modelExtras(JsonObject entry, TableStatistics table, CostModel model) {
    double ideal = table.compression().idealBits(model);
    if (!Double.isNaN(ideal)) {
      entry.addProperty("ideal_bits", ideal);
      entry.addProperty("ideal_bits_per_token", table.tokens() == 0 ? 0 : ideal / table.tokens());
      entry.addProperty("real_over_ideal", ideal == 0 ? Double.NaN : table.bytes(model) * 8.0 / ideal);
    }
    long verified = table.compression().verifiedTokens(model);
    if (verified >= 0) {
      entry.addProperty("verified_tokens", verified);
    }
  }

  private static JsonArray array(int[] values) {
    JsonArray array = new JsonArray();
    for (int value : values) {
      array.add(value);
    }
    return array;
  }
}

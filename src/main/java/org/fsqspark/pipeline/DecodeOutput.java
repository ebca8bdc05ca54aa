package org.fsqspark.pipeline;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;
import org.fsqspark.shard.RunSpec;
import org.fsqspark.shard.ShardedOutput;

/**
 * Decode's driver side around the Spark run, without Spark: the check that the model is the one that made the
 * tokens, what a re-run must match to resume, and the end of a run (totals over every part, the comparison
 * grid and {@code decode.json}).
 */
public final class DecodeOutput {
  private DecodeOutput() {}

  /** Refuses a model other than the one the table's manifest names (by weights, or by name, version, levels). */
  public static void checkSameModel(String input, TokenizerManifest tokenizer, TokenizerManifest model) {
    boolean same = tokenizer.sha256() != null && model.sha256() != null ? tokenizer.sha256().equals(model.sha256())
        : tokenizer.name().equals(model.name()) && tokenizer.version().equals(model.version())
            && tokenizer.levels().equals(model.levels());
    if (!same) {
      throw new BadInputException("Table " + input + " was tokenized by " + tokenizer.name() + " "
          + tokenizer.version() + " (weights " + tokenizer.sha256() + ") but --model is " + model.name() + " "
          + model.version() + " (weights " + model.sha256() + "); decode with the model that made the tokens");
    }
  }

  /** What a re-run must match to resume: the table's part files, the model, the format and the originals. */
  public static RunSpec spec(DecodeConfig config, List<TablePart> parts, String model, String originals) {
    return new RunSpec().with("input", config.input())
        .withDigest("parts_sha256", parts.stream().map(TablePart::path).toList()).with("model", model)
        .with("format", config.format()).with("originals", originals);
  }

  /** Totals over every part (earlier runs' included), the comparison grid, and {@code decode.json}. */
  public static DecodeResult finish(Configuration hadoop, ShardedOutput output, DecodeConfig config,
      TokenizerManifest manifest, List<TablePart> parts, List<DecodeShardResult> results) {
    DecodeTotals totals = DecodeTotals.of(hadoop, output.path(), parts, results, manifest);
    DecodeResult result = new DecodeResult(output.path().toString(), totals.images(), totals.rejected(),
        totals.compared(), totals.meanPsnr(), totals.missingOriginals(), totals.grid());
    output.writeText("decode.json", summary(config, result, manifest));
    return result;
  }

  private static String summary(DecodeConfig config, DecodeResult result, TokenizerManifest manifest) {
    JsonObject root = new JsonObject();
    root.addProperty("job", "decode");
    root.addProperty("input", config.input());
    root.addProperty("model", manifest.name() + " " + manifest.version());
    root.addProperty("format", config.format());
    root.addProperty("images", result.images());
    root.addProperty("rejected", result.rejected());
    root.addProperty("compared_with_originals", result.compared());
    if (result.compared() > 0) {
      root.addProperty("mean_psnr_db", result.meanPsnr());
    }
    root.addProperty("originals_missing", result.missingOriginals());
    return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root) + "\n";
  }
}

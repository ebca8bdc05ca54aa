package org.fsqspark.pipeline;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.Column;
import org.fsqspark.io.InputFormat;
import org.fsqspark.io.ModelSource;
import org.fsqspark.io.ReadOptions;
import org.fsqspark.io.Shard;
import org.fsqspark.io.ShardPlan;
import org.fsqspark.io.TokenTable;
import org.fsqspark.io.TokenTableRows;
import org.fsqspark.shard.RunSpec;
import org.fsqspark.shard.ShardedOutput;

/**
 * Tokenize's driver side around the Spark run, without Spark: what a re-run must match to resume, what the
 * tasks are told, what the console says at the start, the shards' results added up, and the end of a run (the
 * whole table's row counts, {@code _tokenizer.json} and, last, {@code _job.json}, which marks it complete).
 */
public final class TokenizeOutput {
  private TokenizeOutput() {}

  /** What a re-run must match to resume: the input listing, the shard layout, the model and the columns. */
  public static RunSpec spec(TokenizeConfig config, ShardPlan plan, ModelSource source, List<Column> passthrough) {
    return config.recordAcceptTruncated(config.recordVariants(new RunSpec().with("input", config.input())
        .with("format", plan.listing().format().cliName())
        .with("listing_sha256", plan.digest()).with("shards", plan.shards().size())
        .with("files_per_shard", plan.filesPerShard()).with("max_shard_bytes", plan.maxShardBytes())
        .with("model", source.key()).with("image_column", config.imageColumn()).with("id_column", config.idColumn())
        .with("passthrough", String.join(",", passthrough.stream().map(Column::name).toList()))));
  }

  /** What every task needs besides its shard and the model. */
  public static TokenizeSettings settings(TokenizeConfig config, ShardPlan plan, ShardedOutput output,
      TokenizerManifest manifest, List<Column> passthrough) {
    return new TokenizeSettings(plan.listing().root(), output.path().toString(), config.batchSize(),
        config.maxPixels(), config.acceptTruncated(), config.decodeThreads(), config.device(),
        new ReadOptions(config.imageColumn(), config.idColumn(), passthrough, ReadOptions.DEFAULT_MAX_IMAGE_BYTES),
        TokenTable.footer(manifest, passthrough, config.variants()), config.variants());
  }

  /** The start of a run on the console: the input, the model, and how much an earlier run already did. */
  public static void announce(PrintWriter console, TokenizeConfig config, ShardPlan plan, TokenizerManifest manifest,
      List<Shard> todo, ShardedOutput output) {
    console.printf(Locale.ROOT, "tokenize: %d %s in %d shard(s) under %s; model %s (levels %s, |C| = %d, %dx%d tokens"
            + " per image)%n", plan.fileCount(), describe(plan.listing().format()), plan.shards().size(), config.input(),
        manifest.name(), manifest.levels(), manifest.levels().codebookSize(), manifest.gridHeight(),
        manifest.gridWidth());
    if (todo.size() < plan.shards().size()) {
      console.printf(Locale.ROOT, "tokenize: resuming %s: %d of %d shards already committed, %d to go%n",
          output.path(), plan.shards().size() - todo.size(), plan.shards().size(), todo.size());
    }
    console.flush();
  }

  /**
   * What the Spark part of a run reports; rows of the shards this run committed, by shard name.
   *
   * @param shardsOnDriver shards the driver's head start tokenized ({@link HeadStart})
   */
  public record Totals(long modelLoads, int executorJvms, long tasks, List<String> gpus,
      Map<String, long[]> rowsByShard, long truncatedAccepted, long firstEncodedAtMillis, int shardsOnDriver) {
    /** The shards' results added up; a shard another attempt committed first is not counted twice. */
    public static Totals of(List<TokenizeShardResult> results, long modelLoads, int executorJvms, long tasks,
        List<String> gpus, int shardsOnDriver) {
      Map<String, long[]> rows = new HashMap<>();
      long truncatedAccepted = 0;
      long firstEncoded = -1;
      for (TokenizeShardResult result : results) {
        if (result.committed()) {
          rows.put(result.shard(), new long[] {result.tokenized(), result.rejected()});
          truncatedAccepted += result.truncatedAccepted();
        }
        if (result.firstEncodedAtMillis() >= 0 && (firstEncoded < 0 || result.firstEncodedAtMillis() < firstEncoded)) {
          firstEncoded = result.firstEncodedAtMillis();
        }
      }
      return new Totals(modelLoads, executorJvms, tasks, gpus, rows, truncatedAccepted, firstEncoded, shardsOnDriver);
    }
  }

  /**
   * Ends a run: counts the whole table's rows (this run's shards from their results, earlier runs' from their
   * files), writes {@code _tokenizer.json} and then {@code _job.json}.
   *
   * @param skipped shards an earlier run had committed
   * @param loadedHere whether the driver's model check loaded the model the executors of this JVM use
   */
  public static TokenizeResult finish(Configuration hadoop, ShardedOutput output, TokenizeConfig config,
      ShardPlan plan, TokenizerManifest manifest, int skipped, Totals totals, boolean loadedHere, long startNanos) {
    long[] rows = TokenTableRows.count(hadoop, output.path(), plan.shards().stream().map(Shard::name).toList(),
        totals.rowsByShard());
    // A row per variant: the images are the token rows over the variants per image.
    TokenizeResult result = new TokenizeResult(output.path().toString(), config.images(rows[0]) + rows[1],
        config.images(rows[0]), rows[1],
        rows[0] * manifest.tokensPerImage(), totals.truncatedAccepted(), (System.nanoTime() - startNanos) / 1e9,
        plan.shards().size(), skipped, totals.modelLoads() + (loadedHere ? 1 : 0),
        totals.executorJvms(), totals.tasks(), totals.shardsOnDriver(), totals.gpus(),
        totals.firstEncodedAtMillis() < 0 ? Double.NaN : (totals.firstEncodedAtMillis() - LaunchTime.millis()) / 1e3);
    output.writeText(TokenTable.MANIFEST_FILE, manifest.toJson() + "\n");
    output.writeText(TokenTable.JOB_FILE, JobSummary.toJson(config, result));
    return result;
  }

  private static String describe(InputFormat format) {
    return switch (format) {
      case FOLDER -> "image files";
      case PARQUET -> "Parquet files";
      case WDS -> "WebDataset tars";
    };
  }
}

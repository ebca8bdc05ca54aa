package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.pipeline.PriorCodingWork;
import org.fsqspark.pipeline.PriorStream;
import org.fsqspark.pipeline.PriorStreamResult;
import org.fsqspark.prior.CodingSchedule;
import org.fsqspark.prior.PriorArchitecture;
import org.fsqspark.prior.PriorCoder;
import org.fsqspark.prior.PriorPackage;
import org.fsqspark.stats.CompressionCost;
import org.fsqspark.stats.CostModel;
import org.fsqspark.pipeline.StatsConfig;

/**
 * The {@code masked transformer} row of {@code fsq stats --prior}, through the {@link ShardRunner}: the prior
 * is shipped once per executor and built once per executor JVM; each stream (a part file, or a slice of one so
 * that every core codes) is coded with the M2T schedule and decoded back for the {@code --verify} share
 * ({@link PriorCodingWork}).
 */
final class PriorCompression {
  private PriorCompression() {}

  /** Reads the prior on the driver and refuses one made for another tokenizer, before any Spark work. */
  static PriorPackage check(StatsConfig config, String input, TokenizerManifest manifest) {
    PriorPackage prior = PriorPackage.read(Path.of(config.prior()));
    TokenizerManifest trained = prior.tokenizer();
    if (manifest == null || !trained.equals(manifest)) {
      throw new BadInputException("Prior " + config.prior() + " was trained on tokens of " + trained.name()
          + " " + trained.levels() + " (" + trained.gridHeight() + "x" + trained.gridWidth() + " grids); table "
          + input + " holds tokens of " + (manifest == null ? "an unknown tokenizer" : manifest.name() + " "
          + manifest.levels() + " (" + manifest.gridHeight() + "x" + manifest.gridWidth() + " grids)")
          + "; train a prior on this tokenizer's tokens (fsq prior train)");
    }
    DeviceRequest.parse(config.priorDevice(), false);
    return prior;
  }

  /** Codes every stream of the table's part files with the prior; returns the masked transformer's figures. */
  static CompressionCost measure(SparkSession spark, List<org.apache.hadoop.fs.Path> parts, String input,
      PriorPackage prior, long images, StatsConfig config, PrintWriter console) {
    PriorArchitecture architecture = prior.architecture();
    CodingSchedule schedule = CodingSchedule.of(architecture.gridHeight(), architecture.gridWidth(),
        config.priorSteps());
    List<PriorStream> streams = streams(parts, 2 * spark.sparkContext().defaultParallelism());
    console.printf(Locale.ROOT, "stats: coding %d images with prior %s (%s), %s, in %d streams%n", images,
        config.prior(), architecture.describe(), schedule, streams.size());
    console.flush();
    long start = System.nanoTime();
    CompressionCost cost = new CompressionCost();
    try (ShardRunner runner = new ShardRunner(spark, PriorCodingWork.GRIDS, "none")) {
      PriorCodingWork work = new PriorCodingWork(runner.ship(prior), DeviceRequest.parse(config.priorDevice(), false),
          config.priorSteps(), config.verifyFraction());
      ShardRunner.Progress progress = new ShardRunner.Progress("stats: masked transformer (coded + decoded grids)",
          PriorCodingWork.GRIDS, "none", images + Math.round(images * Math.min(1, config.verifyFraction())), 30,
          console);
      runner.run("fsq stats: masked-transformer cost of " + input, streams, work, progress).results()
          .forEach(result -> cost.merge(result.cost()));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    console.printf(Locale.ROOT, "stats: masked transformer done in %.0f s (%.0f tokens/s coded and decoded)%n",
        seconds, cost.verifiedTokens(CostModel.MASKED_TRANSFORMER) > 0
            ? (double) images * architecture.positions() / seconds : Double.NaN);
    console.flush();
    cost.describe(CostModel.MASKED_TRANSFORMER, String.format(Locale.ROOT, "prior %s (sha256 %s, %s), %s, coded"
            + " without a label (the null class), %d grids per forward pass, %d streams", config.prior(),
        prior.sha256().substring(0, 12), architecture.describe(), schedule, PriorCoder.DEFAULT_BATCH, streams.size()));
    return cost;
  }

  /** One stream per part file, or each file cut into slices until there are at least {@code target} streams. */
  static List<PriorStream> streams(List<org.apache.hadoop.fs.Path> parts, int target) {
    int slices = parts.isEmpty() ? 1 : Math.max(1, (target + parts.size() - 1) / parts.size());
    List<PriorStream> streams = new ArrayList<>();
    for (org.apache.hadoop.fs.Path part : parts) {
      for (int slice = 0; slice < slices; slice++) {
        streams.add(new PriorStream(streams.size(), part.toString(), slice, slices));
      }
    }
    return streams;
  }
}

package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.pipeline.PriorCoding;
import org.fsqspark.pipeline.PriorCodingWork;
import org.fsqspark.pipeline.PriorStream;
import org.fsqspark.pipeline.StatsConfig;
import org.fsqspark.prior.CodingSchedule;
import org.fsqspark.prior.PriorArchitecture;
import org.fsqspark.prior.PriorPackage;
import org.fsqspark.stats.CompressionCost;
import org.fsqspark.stats.CostModel;

/**
 * The {@code masked transformer} row of {@code fsq stats --prior}, through the {@link ShardRunner}: the prior
 * is shipped once per executor and built once per executor JVM; each stream (a part file, or a slice of one so
 * that every core codes, {@link PriorCoding#streams}) is coded with the M2T schedule and decoded back for the
 * {@code --verify} share ({@link PriorCodingWork}).
 */
final class PriorCompression {
  private PriorCompression() {}

  /**
   * Codes every stream of the table's part files with the prior, of their rows those of {@code variant} (empty:
   * every row); returns the masked transformer's figures.
   */
  static CompressionCost measure(SparkSession spark, List<org.apache.hadoop.fs.Path> parts, String input,
      PriorPackage prior, long images, StatsConfig config, java.util.Optional<String> variant, PrintWriter console) {
    PriorArchitecture architecture = prior.architecture();
    CodingSchedule schedule = CodingSchedule.of(architecture.gridHeight(), architecture.gridWidth(),
        config.priorSteps());
    List<PriorStream> streams = PriorCoding.streams(parts.stream().map(Object::toString).toList(),
        2 * spark.sparkContext().defaultParallelism());
    console.printf(Locale.ROOT, "stats: coding %d images with prior %s (%s), %s, in %d streams%n", images,
        config.prior(), architecture.describe(), schedule, streams.size());
    console.flush();
    long start = System.nanoTime();
    CompressionCost cost = new CompressionCost();
    try (ShardRunner runner = new ShardRunner(spark, PriorCodingWork.GRIDS, "none")) {
      PriorCodingWork work = new PriorCodingWork(runner.ship(prior), DeviceRequest.parse(config.priorDevice(), false),
          config.priorSteps(), config.verifyFraction(), variant.orElse(null));
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
    cost.describe(CostModel.MASKED_TRANSFORMER, PriorCoding.describe(config, prior, schedule, streams.size()));
    return cost;
  }
}

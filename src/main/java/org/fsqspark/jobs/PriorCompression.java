package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.TokenizerManifest;
import org.fsqspark.prior.CodingSchedule;
import org.fsqspark.prior.PriorArchitecture;
import org.fsqspark.prior.PriorCoder;
import org.fsqspark.prior.PriorModel;
import org.fsqspark.prior.PriorPackage;
import org.fsqspark.stats.CompressionCost;
import org.fsqspark.stats.CostModel;
import org.fsqspark.stats.TokenGrid;

/**
 * The {@code masked transformer} row of {@code fsq stats --prior}: the prior is shipped in a broadcast and
 * built once per executor JVM; every partition of the table is one stream, coded with the M2T schedule and
 * decoded back (for the {@code --verify} share of partitions) on the executor. Real bytes and the ideal
 * -log2 p sum come back as a {@link CompressionCost} to merge with the other models'.
 */
final class PriorCompression {
  private PriorCompression() {}

  /** Reads the prior on the driver and refuses one made for another tokenizer, before any Spark work. */
  static PriorPackage check(StatsConfig config, String input, TokenizerManifest manifest) {
    PriorPackage prior = PriorPackage.read(Path.of(config.prior()));
    TokenizerManifest trained = prior.tokenizer();
    if (manifest == null || !trained.equals(manifest)) {
      throw new IllegalArgumentException("Prior " + config.prior() + " was trained on tokens of " + trained.name()
          + " " + trained.levels() + " (" + trained.gridHeight() + "x" + trained.gridWidth() + " grids); table "
          + input + " holds tokens of " + (manifest == null ? "an unknown tokenizer" : manifest.name() + " "
          + manifest.levels() + " (" + manifest.gridHeight() + "x" + manifest.gridWidth() + " grids)")
          + "; train a prior on this tokenizer's tokens (fsq prior train)");
    }
    DeviceRequest.parse(config.priorDevice(), false);
    return prior;
  }

  /** Codes every partition of {@code grids} with the prior; returns the masked transformer's figures. */
  static CompressionCost measure(SparkSession spark, Dataset<Row> grids, String input, PriorPackage prior,
      long images, StatsConfig config, PrintWriter console) {
    PriorArchitecture architecture = prior.architecture();
    CodingSchedule schedule = CodingSchedule.of(architecture.gridHeight(), architecture.gridWidth(),
        config.priorSteps());
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows = grids.javaRDD();
    // Coding costs a forward pass per step, so every core gets work even when the table is one file.
    int partitions = Math.max(rows.getNumPartitions(), 2 * context.defaultParallelism());
    // Progress counts every task of the job: the coding tasks, plus the read tasks of a repartition.
    int tasks = partitions;
    if (partitions > rows.getNumPartitions()) {
      tasks += rows.getNumPartitions();
      rows = rows.repartition(partitions);
    }
    Broadcast<PriorPackage> shared = context.broadcast(prior);
    LongAccumulator done = spark.sparkContext().longAccumulator("prior grids");
    LongAccumulator none = spark.sparkContext().longAccumulator("prior rejects");
    double fraction = config.verifyFraction();
    DeviceRequest device = DeviceRequest.parse(config.priorDevice(), false);
    int steps = config.priorSteps();
    spark.sparkContext().setJobDescription("fsq stats: masked-transformer cost of " + input);
    console.printf(Locale.ROOT, "stats: coding %d images with prior %s (%s), %s, in %d streams%n", images,
        config.prior(), architecture.describe(), schedule, partitions);
    console.flush();
    long start = System.nanoTime();
    CompressionCost cost;
    try (JobProgress progress = JobProgress.start(spark, "stats: masked transformer (coded + decoded grids)",
        images + Math.round(images * Math.min(1, fraction)), tasks, done, none, 30, console)) {
      cost = rows.mapPartitions((Iterator<Row> partition) -> List.of(codePartition(partition, shared.value(), device,
          steps, fraction, done)).iterator()).treeReduce(CompressionCost::merge);
    } finally {
      shared.destroy();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    console.printf(Locale.ROOT, "stats: masked transformer done in %.0f s (%.0f tokens/s coded and decoded)%n",
        seconds, cost.verifiedTokens(CostModel.MASKED_TRANSFORMER) > 0
            ? (double) images * architecture.positions() / seconds : Double.NaN);
    console.flush();
    cost.describe(CostModel.MASKED_TRANSFORMER, String.format(Locale.ROOT, "prior %s (sha256 %s, %s), %s, coded"
            + " without a label (the null class), %d grids per forward pass, %d streams", config.prior(),
        prior.sha256().substring(0, 12), architecture.describe(), schedule, PriorCoder.DEFAULT_BATCH, partitions));
    return cost;
  }

  private static CompressionCost codePartition(Iterator<Row> rows, PriorPackage prior, DeviceRequest request,
      int steps, double fraction, LongAccumulator done) {
    List<int[]> grids = new ArrayList<>();
    TaskContext task = TaskContext.get();
    int partition = task == null ? 0 : task.partitionId();
    JvmModelCache.limitEngineThreads(task == null ? 1 : task.cpus());
    PriorModel model = prior.obtain(request.resolve(TokenizeShards.assignedGpu(task)));
    PriorArchitecture architecture = model.architecture();
    while (rows.hasNext()) {
      TokenGrid grid = StatsJob.tokensOf(rows.next());
      if (grid.height() != architecture.gridHeight() || grid.width() != architecture.gridWidth()) {
        throw new IllegalArgumentException("A token row has a " + grid.height() + "x" + grid.width() + " grid; the"
            + " prior codes " + architecture.gridHeight() + "x" + architecture.gridWidth() + " grids only");
      }
      grids.add(grid.tokens());
    }
    CompressionCost cost = new CompressionCost();
    if (grids.isEmpty()) {
      return cost;
    }
    PriorCoder coder = model.coder(steps, PriorCoder.DEFAULT_BATCH);
    PriorCoder.Coded coded = coder.encode(grids, null, done::add);
    cost.addBytes(CostModel.MASKED_TRANSFORMER, coded.bytes().length);
    cost.addIdealBits(CostModel.MASKED_TRANSFORMER, coded.idealBits());
    // The same golden-ratio choice of partitions as the other models' --verify.
    boolean verify = fraction >= 1 || ((partition * 0.6180339887498949) % 1.0) < fraction;
    long verified = 0;
    if (verify) {
      List<int[]> decoded = coder.decode(coded.bytes(), grids.size(), null, done::add);
      for (int i = 0; i < grids.size(); i++) {
        if (!Arrays.equals(grids.get(i), decoded.get(i))) {
          throw new IllegalStateException("Decoding the masked transformer stream of partition " + partition
              + " gave grid " + i + " back wrong: the coder or the prior's determinism is broken");
        }
      }
      verified = coded.tokens();
    }
    cost.addVerified(CostModel.MASKED_TRANSFORMER, verified);
    return cost;
  }
}

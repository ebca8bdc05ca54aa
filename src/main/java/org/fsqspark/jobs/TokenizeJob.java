package org.fsqspark.jobs;

import java.io.PrintWriter;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.io.OutputKind;
import org.fsqspark.pipeline.HeadStart;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeOutput;
import org.fsqspark.pipeline.TokenizePrelude;
import org.fsqspark.pipeline.TokenizeResult;
import org.fsqspark.pipeline.TokenizeRun;
import org.fsqspark.pipeline.TokenizeShardResult;
import org.fsqspark.pipeline.TokenizeWork;

/**
 * {@code fsq tokenize}: input shards -> read, decode and preprocess on executors -> encoder through DJL,
 * one model per executor JVM -> FSQ indices -> one committed token file and rejects file per shard.
 *
 * <p>Steps: check everything that can be checked on the driver (output, model, memory, input), plan the shards,
 * skip those an earlier run of the same command committed ({@link TokenizeRun}), tokenize the rest with one
 * Spark task per shard ({@link TokenizeWork} through the {@link ShardRunner}), then write {@code _tokenizer.json}
 * and, last, {@code _job.json}, which marks the table complete. In local mode the command may have prepared the
 * run before Spark was up and started on its last shards on the driver ({@link HeadStart}); the tasks leave those.
 */
public final class TokenizeJob {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenizeJob.class);

  /** What tokenize writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = TokenizeRun.OUTPUT;

  private final SparkSession spark;
  private final TokenizeConfig config;
  private final PrintWriter console;
  private final TokenizePrelude prelude;

  public TokenizeJob(SparkSession spark, TokenizeConfig config, PrintWriter console) {
    this(spark, config, console, null);
  }

  /** A job whose input may have been listed, and model checked, before Spark started ({@link TokenizePrelude}). */
  public TokenizeJob(SparkSession spark, TokenizeConfig config, PrintWriter console, TokenizePrelude prelude) {
    this.spark = spark;
    this.config = config;
    this.console = console;
    this.prelude = prelude;
  }

  public TokenizeResult run() {
    Optional<HeadStart> head = prelude == null ? Optional.empty() : prelude.headStart();
    long start = head.map(HeadStart::startNanos).orElse(System.nanoTime());
    TokenizeRun run;
    if (head.isPresent()) {
      run = head.get().run();
    } else {
      spark.sparkContext().setJobDescription("fsq tokenize: plan " + config.input());
      run = TokenizeRun.prepare(spark.sparkContext().hadoopConfiguration(), config, tasks(),
          prelude == null ? Optional.empty() : prelude.listing(),
          prelude == null ? Optional.empty() : prelude.checkedModel());
      TokenizeOutput.announce(console, config, run.plan(), run.manifest(), run.todo(), run.output());
    }
    TokenizeOutput.Totals totals = tokenize(run, head.orElse(null));
    run.output().cleanUp();
    return TokenizeOutput.finish(spark.sparkContext().hadoopConfiguration(), run.output(), config, run.plan(),
        run.manifest(), run.skipped(), totals, run.loadedHere(), start);
  }

  /** Where this session's tasks work. */
  private TokenizeRun.Tasks tasks() {
    SparkConf conf = spark.sparkContext().getConf();
    boolean local = spark.sparkContext().isLocal();
    String device = config.device().kind();
    boolean gpuTasks = local ? config.device().resolve(null).isGpu() : "gpu".equals(device)
        || ("auto".equals(device) && conf.getDouble("spark.task.resource.gpu.amount", 0) > 0);
    return new TokenizeRun.Tasks(BatchMemory.executor(spark.sparkContext()), conf.getInt("spark.task.cpus", 1), local,
        gpuTasks);
  }

  private TokenizeOutput.Totals tokenize(TokenizeRun run, HeadStart head) {
    try (ShardRunner runner = new ShardRunner(spark, TokenizeWork.IMAGES, TokenizeWork.REJECTS,
        TokenizeWork.MODEL_LOADS)) {
      TokenizeWork work = new TokenizeWork(runner.ship(run.source()), run.manifest(), run.settings(),
          head == null ? null : head.claimsKey());
      ShardRunner.Outcome<TokenizeShardResult> outcome = runner.run("fsq tokenize: " + run.todo().size()
              + " shards of " + config.input(), run.todo(), work,
          new ShardRunner.Progress("tokenize", TokenizeWork.IMAGES, TokenizeWork.REJECTS, run.expectedImages(),
              config.progressSeconds(), console, head == null ? System.nanoTime() : head.startNanos()), head);
      long modelLoads = runner.count(TokenizeWork.MODEL_LOADS);
      if (head != null) {
        modelLoads += head.count(TokenizeWork.MODEL_LOADS);
        LOG.info("Head start: {} of {} shards tokenized on the driver", outcome.onDriver(), run.todo().size());
      }
      return TokenizeOutput.Totals.of(outcome.results(), modelLoads, outcome.executorJvms(), outcome.tasks(),
          outcome.gpus(), outcome.onDriver());
    } finally {
      if (head != null) {
        head.close();
      }
    }
  }
}

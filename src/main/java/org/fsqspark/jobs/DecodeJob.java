package org.fsqspark.jobs;

import ai.djl.Device;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.FileNames;
import org.fsqspark.io.ModelSource;
import org.fsqspark.io.ModelSources;
import org.fsqspark.io.OutputFolder;
import org.fsqspark.io.OutputKind;
import org.fsqspark.io.TableManifest;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelCheck;
import org.fsqspark.pipeline.DecodeSettings;
import org.fsqspark.pipeline.DecodeShardResult;
import org.fsqspark.pipeline.DecodeWork;
import org.fsqspark.pipeline.TablePart;
import org.fsqspark.shard.ShardedOutput;
import org.fsqspark.pipeline.DecodeConfig;
import org.fsqspark.pipeline.DecodeOutput;
import org.fsqspark.pipeline.DecodeResult;

/**
 * {@code fsq decode}: the part files of a token table -> the model's decoder on executors, batched, one decoder
 * per executor JVM ({@link DecodeWork} through the {@link ShardRunner}) -> PNG files or a Parquet image table;
 * with the source images, PSNR per image and overall and a grid of originals over reconstructions. Each part
 * file is committed on its own, so the same command resumes a run that died.
 */
public final class DecodeJob {
  /** What decode writes into its output; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("decode", "images/**.png", "images/part-*.parquet",
      "psnr/part-*.parquet", TokenTable.REJECTS_DIR + "/part-*.parquet", DecodeWork.MARKERS + "/part-*.json",
      ShardedOutput.TEMPORARY_DIR + "/**", ShardedOutput.RUN_FILE, "decode.json", "grid.png");

  private final SparkSession spark;
  private final DecodeConfig config;
  private final PrintWriter console;

  public DecodeJob(SparkSession spark, DecodeConfig config, PrintWriter console) {
    this.spark = spark;
    this.config = config;
    this.console = console;
  }

  public DecodeResult run() {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    OutputFolder folder = OutputFolder.check(hadoop, config.output(), OUTPUT,
        config.overwrite() ? OutputFolder.Reuse.REPLACE : OutputFolder.Reuse.RESUME,
        new OutputFolder.Input("--input", config.input()), new OutputFolder.Input("--originals", config.originals()),
        new OutputFolder.Input("--model", ModelSources.folder(config.model())));
    ModelSource source = ModelSources.open(hadoop, config.model());
    TokenizerManifest manifest = TokenizerManifest.fromJson(source.manifestJson(), source.key());
    TableManifest table = TableManifest.read(hadoop, config.input());
    TokenTable.checkSchema(spark.read().parquet(config.input()).schema(), config.input());
    table.manifest().ifPresent(tokenizer -> DecodeOutput.checkSameModel(config.input(), tokenizer, manifest));
    BatchMemory.check(spark.sparkContext(), manifest, config.batchSize(), batch -> 2L * batch,
        "the decoder's output batch and its copy");
    checkDecoder(source);
    List<TablePart> parts = new ArrayList<>();
    table.partFiles().forEach(file -> parts.add(new TablePart(parts.size(), file.toString())));
    String originals = config.originals() == null ? null : FileNames.location(hadoop, config.originals());
    ShardedOutput output = ShardedOutput.prepare(hadoop, folder,
        DecodeOutput.spec(config, parts, source.key(), originals), "decode");
    Set<String> committed = output.committed(DecodeWork.MARKERS, ".json");
    List<TablePart> todo = parts.stream().filter(part -> !committed.contains(part.name())).toList();
    console.printf(Locale.ROOT, "decode: %s with the decoder of %s into %s%n", config.input(), manifest.name(),
        output.path());
    console.flush();
    List<DecodeShardResult> results = decode(todo, source, manifest, output, originals);
    output.cleanUp();
    return DecodeOutput.finish(hadoop, output, config, manifest, parts, results);
  }

  private List<DecodeShardResult> decode(List<TablePart> todo, ModelSource source, TokenizerManifest manifest,
      ShardedOutput output, String originals) {
    if (todo.isEmpty()) {
      return List.of();
    }
    DecodeSettings settings = new DecodeSettings(output.path().toString(), config.format(), originals,
        config.batchSize(), DeviceRequest.parse("auto", true));
    try (ShardRunner runner = new ShardRunner(spark, DecodeWork.IMAGES, DecodeWork.REJECTS)) {
      return runner.run("fsq decode: " + config.input(), todo, new DecodeWork(runner.ship(source), manifest, settings),
          null).results();
    }
  }

  /**
   * Decodes a synthetic token grid on the driver, so a broken decoder fails now with one line naming the
   * model; in local mode the executors are this JVM and reuse the decoder loaded here.
   */
  private void checkDecoder(ModelSource source) {
    JvmModelCache.limitEngineThreads(spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
    boolean local = spark.sparkContext().isLocal();
    Device device = local ? DeviceRequest.parse("auto", true).resolve(null) : Device.cpu();
    ModelCheck.decoder(source, device, ModelSources.describe(config.model()), local);
  }
}

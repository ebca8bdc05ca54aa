package org.fsqspark.pipeline;

import ai.djl.inference.Predictor;
import java.io.IOException;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelSource;
import org.fsqspark.io.Shard;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.model.TokenizerModel;
import org.fsqspark.shard.ShardContext;
import org.fsqspark.shard.ShardWork;
import org.fsqspark.shard.Shipped;

/**
 * Tokenize, executor side: one shard of input files through this task's predictor on the JVM's shared encoder,
 * into one committed token file and rejects file ({@link ShardTokenizer}).
 */
public final class TokenizeWork implements ShardWork<Shard, TokenizeShardResult> {
  private static final long serialVersionUID = 1L;
  /** Counter of tokenized images. */
  public static final String IMAGES = "images";
  /** Counter of rejected inputs. */
  public static final String REJECTS = "rejects";
  /** Counter of encoder loads on executors. */
  public static final String MODEL_LOADS = "modelLoads";

  private final Shipped<ModelSource> model;
  private final TokenizerManifest manifest;
  private final TokenizeSettings settings;

  public TokenizeWork(Shipped<ModelSource> model, TokenizerManifest manifest, TokenizeSettings settings) {
    this.model = model;
    this.manifest = manifest;
    this.settings = settings;
  }

  @Override
  public TokenizeShardResult process(Shard shard, ShardContext context) throws IOException {
    TokenizerModel encoder = ExecutorModels.encoder(context, model.get(), settings.device(),
        () -> context.add(MODEL_LOADS, 1));
    int threads = decodeThreads(settings.decodeThreads(), context.cpus(), encoder.device().isGpu());
    try (Predictor<PixelBatch, TokenBatch> predictor = encoder.newPredictor()) {
      return new ShardTokenizer(shard, context, manifest, settings, predictor, threads).run(encoder.device().toString());
    }
  }

  /**
   * Decode threads that run ahead of the encoder. Automatic (0): on a GPU every core of the task decodes
   * while the GPU encodes; on the CPU the encoder needs a core itself, so a one-core task decodes and
   * encodes in turn on its own thread (a second busy thread would only time-slice the same core).
   */
  public static int decodeThreads(int requested, int taskCpus, boolean gpu) {
    if (requested > 0) {
      return requested;
    }
    return gpu ? Math.max(1, taskCpus) : Math.max(0, taskCpus - 1);
  }
}

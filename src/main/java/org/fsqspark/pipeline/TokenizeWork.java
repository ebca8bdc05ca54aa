package org.fsqspark.pipeline;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import java.io.IOException;
import java.util.Optional;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelSource;
import org.fsqspark.io.Shard;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.model.TokenizerModel;
import org.fsqspark.shard.ShardClaims;
import org.fsqspark.shard.ShardContext;
import org.fsqspark.shard.Shipped;

/**
 * Tokenize, executor side: one shard of input files through this task's predictor on the JVM's shared encoder,
 * into one committed token file and rejects file ({@link ShardTokenizer}).
 */
public final class TokenizeWork
    extends ModelShardWork<Shard, TokenizeShardResult, TokenizerModel, PixelBatch, TokenBatch> {
  private static final long serialVersionUID = 1L;
  /** Counter of encoder loads on executors. */
  public static final String MODEL_LOADS = "modelLoads";

  private final TokenizeSettings settings;
  /** The run's claims when a driver thread shares out its shards ({@link HeadStart}), else null. */
  private final String claimsKey;

  public TokenizeWork(Shipped<ModelSource> model, TokenizerManifest manifest, TokenizeSettings settings) {
    this(model, manifest, settings, null);
  }

  /** A work whose tasks leave the shards that the driver's head start, found by {@code claimsKey}, claimed. */
  public TokenizeWork(Shipped<ModelSource> model, TokenizerManifest manifest, TokenizeSettings settings,
      String claimsKey) {
    super(model, manifest, settings.device());
    this.settings = settings;
    this.claimsKey = claimsKey;
  }

  @Override
  TokenizerModel load(ModelSource source, Device device, ShardContext context) {
    return JvmModelCache.encoder(source, device, () -> context.add(MODEL_LOADS, 1));
  }

  @Override
  TokenizeShardResult run(Shard shard, ShardContext context, TokenizerManifest manifest, TokenizerModel encoder,
      Predictor<PixelBatch, TokenBatch> predictor) throws IOException {
    Optional<ShardClaims> claims = ShardClaims.find(claimsKey);
    if (claims.isEmpty()) {
      return tokenize(shard, context, manifest, encoder, predictor);
    }
    if (!claims.get().claim(shard.name())) {
      return TokenizeShardResult.doneElsewhere(shard.index(), shard.name());
    }
    return tokenize(shard, context, manifest, encoder, predictor);
  }

  private TokenizeShardResult tokenize(Shard shard, ShardContext context, TokenizerManifest manifest,
      TokenizerModel encoder, Predictor<PixelBatch, TokenBatch> predictor) throws IOException {
    int threads = decodeThreads(settings.decodeThreads(), context.cpus(), encoder.device().isGpu());
    return new ShardTokenizer(shard, context, manifest, settings, predictor, threads).run(encoder.device().toString());
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

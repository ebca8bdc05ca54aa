package org.fsqspark.pipeline;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import java.io.IOException;
import java.io.Serializable;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelSource;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.PredictorSource;
import org.fsqspark.shard.ShardContext;
import org.fsqspark.shard.ShardWork;
import org.fsqspark.shard.Shipped;

/**
 * A shard's work through one part of a tokenizer model (its encoder or decoder): libtorch's threads capped at
 * the task's cores before the engine starts, the device chosen from the GPU the cluster assigned to the task,
 * the JVM's shared model ({@link JvmModelCache}), and a predictor of this task's own, closed when the shard is
 * done. Subclasses say which part they load and what they do with the shard; both count into the same two
 * counters.
 *
 * @param <M> the loaded model part, shared by every task thread of the JVM
 * @param <I> what the predictor takes
 * @param <O> what the predictor gives
 */
abstract class ModelShardWork<S extends Serializable, R extends Serializable, M extends PredictorSource<I, O>, I, O>
    implements ShardWork<S, R> {
  private static final long serialVersionUID = 1L;
  /** Counter of images tokenized or decoded. */
  public static final String IMAGES = "images";
  /** Counter of rejected inputs or token rows. */
  public static final String REJECTS = "rejects";

  private final Shipped<ModelSource> model;
  private final TokenizerManifest manifest;
  private final DeviceRequest device;

  ModelShardWork(Shipped<ModelSource> model, TokenizerManifest manifest, DeviceRequest device) {
    this.model = model;
    this.manifest = manifest;
    this.device = device;
  }

  @Override
  public final R process(S shard, ShardContext context) throws IOException {
    JvmModelCache.limitEngineThreads(context.cpus());
    M loaded = load(model.get(), device.resolve(context.gpu()), context);
    try (Predictor<I, O> predictor = loaded.newPredictor()) {
      return run(shard, context, manifest, loaded, predictor);
    }
  }

  /** This JVM's model part on {@code device}, loaded by the first task that asks. */
  abstract M load(ModelSource source, Device device, ShardContext context);

  /** Processes the shard with this task's predictor and commits its output. */
  abstract R run(S shard, ShardContext context, TokenizerManifest manifest, M model, Predictor<I, O> predictor)
      throws IOException;
}

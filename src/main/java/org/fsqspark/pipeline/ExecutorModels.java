package org.fsqspark.pipeline;

import org.fsqspark.io.ModelSource;
import org.fsqspark.model.DecoderModel;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.TokenizerModel;
import org.fsqspark.shard.ShardContext;

/**
 * An executor's start-up for a model: libtorch's threads capped at the task's cores before the engine starts,
 * the device chosen from the GPU the cluster assigned to the task, and the JVM's shared model.
 */
final class ExecutorModels {
  private ExecutorModels() {}

  static TokenizerModel encoder(ShardContext context, ModelSource source, DeviceRequest device, Runnable onLoad) {
    JvmModelCache.limitEngineThreads(context.cpus());
    return JvmModelCache.encoder(source, device.resolve(context.gpu()), onLoad);
  }

  static DecoderModel decoder(ShardContext context, ModelSource source, DeviceRequest device) {
    JvmModelCache.limitEngineThreads(context.cpus());
    return JvmModelCache.decoder(source, device.resolve(context.gpu()));
  }
}

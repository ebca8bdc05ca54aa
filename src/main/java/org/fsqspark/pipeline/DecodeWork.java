package org.fsqspark.pipeline;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import java.io.IOException;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelSource;
import org.fsqspark.model.DecoderModel;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.shard.ShardContext;
import org.fsqspark.shard.Shipped;

/**
 * Decode, executor side: one part file of a token table through this task's predictor on the JVM's shared
 * decoder, into images and PSNR rows committed together ({@link PartDecoder}).
 */
public final class DecodeWork
    extends ModelShardWork<TablePart, DecodeShardResult, DecoderModel, TokenBatch, PixelBatch> {
  private static final long serialVersionUID = 1L;
  /** Where a part's commit marker goes: {@code _shards/part-NNNNN.json}, holding its counts. */
  public static final String MARKERS = "_shards";

  private final DecodeSettings settings;

  public DecodeWork(Shipped<ModelSource> model, TokenizerManifest manifest, DecodeSettings settings) {
    super(model, manifest, settings.device());
    this.settings = settings;
  }

  @Override
  DecoderModel load(ModelSource source, Device device, ShardContext context) {
    return JvmModelCache.decoder(source, device);
  }

  @Override
  DecodeShardResult run(TablePart part, ShardContext context, TokenizerManifest manifest, DecoderModel decoder,
      Predictor<TokenBatch, PixelBatch> predictor) throws IOException {
    return new PartDecoder(part, context, manifest, settings, predictor).run();
  }
}

package org.fsqspark.pipeline;

import ai.djl.inference.Predictor;
import java.io.IOException;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelSource;
import org.fsqspark.model.DecoderModel;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.shard.ShardContext;
import org.fsqspark.shard.ShardWork;
import org.fsqspark.shard.Shipped;

/**
 * Decode, executor side: one part file of a token table through this task's predictor on the JVM's shared
 * decoder, into images and PSNR rows committed together ({@link PartDecoder}).
 */
public final class DecodeWork implements ShardWork<TablePart, DecodeShardResult> {
  private static final long serialVersionUID = 1L;
  /** Where a part's commit marker goes: {@code _shards/part-NNNNN.json}, holding its counts. */
  public static final String MARKERS = "_shards";
  /** Counter of decoded images. */
  public static final String IMAGES = "images";
  /** Counter of rejected token rows. */
  public static final String REJECTS = "rejects";

  private final Shipped<ModelSource> model;
  private final TokenizerManifest manifest;
  private final DecodeSettings settings;

  public DecodeWork(Shipped<ModelSource> model, TokenizerManifest manifest, DecodeSettings settings) {
    this.model = model;
    this.manifest = manifest;
    this.settings = settings;
  }

  @Override
  public DecodeShardResult process(TablePart part, ShardContext context) throws IOException {
    DecoderModel decoder = ExecutorModels.decoder(context, model.get(), settings.device());
    try (Predictor<TokenBatch, PixelBatch> predictor = decoder.newPredictor()) {
      return new PartDecoder(part, context, manifest, settings, predictor).run();
    }
  }
}

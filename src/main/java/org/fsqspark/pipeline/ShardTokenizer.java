package org.fsqspark.pipeline;

import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.RejectStage;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadDataException;
import org.fsqspark.error.Bugs;
import org.fsqspark.io.InputRecord;
import org.fsqspark.io.Shard;
import org.fsqspark.io.ShardReader;
import org.fsqspark.io.TokenShardWriter;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.shard.RunAhead;
import org.fsqspark.shard.ShardCommit;
import org.fsqspark.shard.ShardContext;

/**
 * One shard through tokenize: read its records, decode and preprocess them on a few threads ahead of the
 * encoder, encode in batches, write token and reject rows into the shard's staged files and commit them
 * together (the token file is the marker). Used once, by one task thread.
 */
final class ShardTokenizer {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardTokenizer.class);

  private final Shard shard;
  private final ShardContext context;
  private final TokenizerManifest manifest;
  private final TokenizeSettings settings;
  private final Predictor<PixelBatch, TokenBatch> predictor;
  private final int decodeThreads;
  private TokenShardWriter output;
  /** Tokenized images that were truncated or damaged (kept with --accept-truncated). */
  private long truncatedAccepted;
  // Where the task's time went, in nanoseconds; logged per shard at INFO.
  private long opening;
  private long waitingForDecode;
  private long encoding;
  private long writing;
  /** Epoch ms when the first batch left the encoder; -1 until then. */
  private long firstEncodedAtMillis = -1;

  ShardTokenizer(Shard shard, ShardContext context, TokenizerManifest manifest, TokenizeSettings settings,
      Predictor<PixelBatch, TokenBatch> predictor, int decodeThreads) {
    this.shard = shard;
    this.context = context;
    this.manifest = manifest;
    this.settings = settings;
    this.predictor = predictor;
    this.decodeThreads = decodeThreads;
  }

  TokenizeShardResult run(String device) throws IOException {
    long start = System.nanoTime();
    long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    Configuration conf = context.hadoop();
    ShardCommit commit = new ShardCommit(conf, new Path(settings.output()), shard.name(), context.attempt());
    Path tokens = commit.stage("parquet", shard.name() + ".parquet");
    Path rejects = commit.stage("rejects.parquet", TokenTable.REJECTS_DIR + "/" + shard.name() + ".parquet");
    ImagePreparation preparation = new ImagePreparation(manifest, settings.maxPixels(), settings.acceptTruncated(),
        settings.variants());
    boolean finished = false;
    try (TokenShardWriter writer = new TokenShardWriter(conf, tokens, rejects, settings.read().passthrough(),
        settings.footer(), !settings.variants().isNone());
        ShardReader reader = ShardReader.open(shard, settings.root(), conf, settings.read());
        RunAhead<InputRecord, Prepared> prepared = new RunAhead<>(reader, preparation::prepare, decodeThreads,
            Math.max(2 * settings.batchSize(), 8), "fsq-decode-" + shard.name())) {
      output = writer;
      opening = System.nanoTime() - start;
      encodeAll(prepared);
      // A task of a failed or cancelled job must not commit after a re-run has started.
      context.stopIfKilled();
      writer.close();
      long committing = System.nanoTime();
      boolean committed = commit.commit(tokens);
      finished = true;
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info("Shard {}: {} images in {} ms (task thread CPU {} ms): opening {} ms, decoding or waiting for "
          + "decode threads {} ms, encoding {} ms, writing {} ms, committing {} ms", shard.name(),
          writer.tokenRows() + writer.rejectRows(), Math.round(seconds * 1000),
          (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1_000_000, opening / 1_000_000,
          waitingForDecode / 1_000_000, encoding / 1_000_000, writing / 1_000_000,
          (System.nanoTime() - committing) / 1_000_000);
      return new TokenizeShardResult(shard.index(), shard.name(), writer.tokenRows(), writer.rejectRows(),
          truncatedAccepted, committed, seconds, device, firstEncodedAtMillis);
    } finally {
      if (!finished) {
        commit.abort();
      }
    }
  }

  private void encodeAll(RunAhead<InputRecord, Prepared> prepared) throws IOException {
    ImageBatch batch = new ImageBatch();
    while (true) {
      long waiting = System.nanoTime();
      boolean more = prepared.hasNext();
      Prepared image = more ? prepared.next() : null;
      waitingForDecode += System.nanoTime() - waiting;
      if (!more) {
        break;
      }
      context.stopIfKilled();
      if (image.isRejected()) {
        reject(image, image.rejectStage(), image.error());
        continue;
      }
      // An image's variants stay together, so a batch exceeds --batch-size only when one image has more variants.
      if (batch.size() > 0 && batch.rows(manifest) + settings.variants().count() > settings.batchSize()) {
        encode(batch);
      }
      batch.add(image);
      if (batch.rows(manifest) >= settings.batchSize()) {
        encode(batch);
      }
    }
    if (batch.size() > 0) {
      encode(batch);
    }
  }

  /**
   * Encodes a batch; if the encoder fails on it, retries image by image so only the bad ones are rejected.
   * Only the encoder call is retried: a failure while writing rows fails the task, or rows would repeat.
   */
  private void encode(ImageBatch batch) throws IOException {
    long start = System.nanoTime();
    TokenBatch tokens = predict(batch);
    long written = System.nanoTime();
    encoding += written - start;
    if (tokens != null) {
      write(batch.images(), tokens);
      writing += System.nanoTime() - written;
    } else {
      for (Prepared one : batch.images()) {
        try {
          write(List.of(one), predictor.predict(ImageBatch.of(one).pixels(manifest)));
        } catch (TranslateException | RuntimeException e) {
          throwUnlessTheImageIsAtFault(e);
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          reject(one, RejectStage.ENCODE, String.valueOf(cause.getMessage()));
        }
      }
    }
    batch.clear();
  }

  /** The batch's tokens, or null when the encoder failed on an image of it. */
  private TokenBatch predict(ImageBatch batch) {
    try {
      return predictor.predict(batch.pixels(manifest));
    } catch (TranslateException | RuntimeException e) {
      throwUnlessTheImageIsAtFault(e);
      return null;
    }
  }

  /**
   * Lets a failure through unless it is the encoder failing on an image: the engine's own error, or an output
   * that cannot be tokens (non-finite latents, indices out of range). A bug in this code fails the task.
   */
  private static void throwUnlessTheImageIsAtFault(Exception failure) {
    Bugs.rethrowIfBug(failure);
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof EngineException || t instanceof BadDataException) {
        return;
      }
    }
    throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
  }

  private void write(List<Prepared> images, TokenBatch tokens) throws IOException {
    if (firstEncodedAtMillis < 0) {
      firstEncodedAtMillis = System.currentTimeMillis();
    }
    List<String> variants = settings.variants().names();
    int row = 0;
    for (Prepared image : images) {
      for (String variant : variants) {
        output.addTokens(image.record().id(), variant, tokens.image(row++), tokens.gridHeight(), tokens.gridWidth(),
            image.height(), image.width(), image.record().passthrough());
      }
      if (image.damage() != null) {
        truncatedAccepted++;
        LOG.info("Tokenized the incomplete image {} (--accept-truncated): {}", image.record().source(), image.damage());
      }
    }
    context.add(TokenizeWork.IMAGES, images.size());
  }

  private void reject(Prepared image, RejectStage stage, String error) throws IOException {
    output.addReject(image.record().id(), image.record().source(), stage, error);
    context.add(TokenizeWork.REJECTS, 1);
  }
}

package org.fsqspark.jobs;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.fsqspark.image.DecodeBudget;
import org.fsqspark.image.DecodeMemoryException;
import org.fsqspark.image.DecodedImage;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.ImageRejectedException;
import org.fsqspark.image.PendingImage;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.io.Column;
import org.fsqspark.io.HadoopConfiguration;
import org.fsqspark.io.InputRecord;
import org.fsqspark.io.ReadOptions;
import org.fsqspark.io.Shard;
import org.fsqspark.io.ShardOutput;
import org.fsqspark.io.ShardReader;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelSource;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.model.TokenizerManifest;
import org.fsqspark.model.TokenizerModel;

/**
 * Executor side of tokenize, one shard per call: read its records, decode and preprocess them on a few
 * threads ahead of the encoder, encode in batches with this task's predictor on the JVM's shared model,
 * write token and reject rows into the shard's files, and commit them together.
 */
final class TokenizeShards implements FlatMapFunction<Iterator<Shard>, ShardResult> {
  private static final long serialVersionUID = 1L;

  /** Accumulators the driver reads for progress and the run summary. */
  record Counters(LongAccumulator images, LongAccumulator rejects, LongAccumulator modelLoads,
      CollectionAccumulator<String> jvms, CollectionAccumulator<String> gpus) implements java.io.Serializable {}

  /** Settings every task needs. */
  record Settings(String root, String output, int batchSize, long maxPixels, boolean acceptTruncated,
      int decodeThreads, DeviceRequest device, ReadOptions read, Map<String, String> footer)
      implements java.io.Serializable {}

  /** Where one task's time went, in nanoseconds; logged per shard at INFO. */
  private static final class Timings {
    long opening;
    long waitingForDecode;
    long encoding;
    long writing;
    long committing;
    /** Epoch ms when the first batch left the encoder; -1 until then. */
    long firstEncodedAtMillis = -1;
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenizeShards.class);
  private transient Timings timings;
  /** Tokenized images of the current shard that were truncated or damaged (kept with --accept-truncated). */
  private transient long truncatedAccepted;

  private final Broadcast<ModelSource> model;
  private final Broadcast<HadoopConfiguration> hadoop;
  private final TokenizerManifest manifest;
  private final Settings settings;
  private final Counters counters;

  TokenizeShards(Broadcast<ModelSource> model, Broadcast<HadoopConfiguration> hadoop, TokenizerManifest manifest,
      Settings settings, Counters counters) {
    this.model = model;
    this.hadoop = hadoop;
    this.manifest = manifest;
    this.settings = settings;
    this.counters = counters;
  }

  @Override
  public Iterator<ShardResult> call(Iterator<Shard> shards) throws Exception {
    TaskContext task = TaskContext.get();
    int cpus = task == null ? 1 : task.cpus();
    JvmModelCache.limitEngineThreads(cpus);
    counters.jvms().add(ManagementFactory.getRuntimeMXBean().getName());
    String gpu = assignedGpu(task);
    if (gpu != null) {
      counters.gpus().add(gpu);
    }
    TokenizerModel encoder = JvmModelCache.obtain(model.value(), settings.device().resolve(gpu),
        () -> counters.modelLoads().add(1));
    List<ShardResult> results = new ArrayList<>();
    int decodeThreads = decodeThreads(settings.decodeThreads(), cpus, encoder.device().isGpu());
    try (Predictor<PixelBatch, TokenBatch> predictor = encoder.newPredictor()) {
      long attempt = task == null ? 0 : task.taskAttemptId();
      while (shards.hasNext()) {
        results.add(tokenize(shards.next(), predictor, attempt, encoder.device().toString(), decodeThreads));
      }
    }
    return results.iterator();
  }

  /**
   * Decode threads that run ahead of the encoder. Automatic (0): on a GPU every core of the task decodes
   * while the GPU encodes; on the CPU the encoder needs a core itself, so a one-core task decodes and
   * encodes in turn on its own thread (a second busy thread would only time-slice the same core).
   */
  static int decodeThreads(int requested, int taskCpus, boolean gpu) {
    if (requested > 0) {
      return requested;
    }
    return gpu ? Math.max(1, taskCpus) : Math.max(0, taskCpus - 1);
  }

  /** The GPU address Spark reserved for this task, or null when it reserved none. */
  static String assignedGpu(TaskContext task) {
    if (task == null) {
      return null;
    }
    ResourceInformation gpus = task.resourcesJMap().get("gpu");
    return gpus == null || gpus.addresses().length == 0 ? null : gpus.addresses()[0];
  }

  private ShardResult tokenize(Shard shard, Predictor<PixelBatch, TokenBatch> predictor, long attempt, String device,
      int decodeThreads) throws IOException {
    long start = System.nanoTime();
    long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    timings = new Timings();
    truncatedAccepted = 0;
    Configuration conf = hadoop.value().get();
    List<Column> passthrough = settings.read().passthrough();
    try (ShardOutput output = new ShardOutput(conf, settings.output(), shard, attempt, passthrough, settings.footer());
        ShardReader reader = ShardReader.open(shard, settings.root(), conf, settings.read());
        DecodeAhead<InputRecord, Prepared> prepared = new DecodeAhead<>(reader, this::prepare,
            decodeThreads, Math.max(2 * settings.batchSize(), 8), "fsq-decode-" + shard.name())) {
      Batch batch = new Batch();
      long opened = System.nanoTime();
      timings.opening += opened - start;
      while (true) {
        long waiting = System.nanoTime();
        boolean more = prepared.hasNext();
        Prepared image = more ? prepared.next() : null;
        timings.waitingForDecode += System.nanoTime() - waiting;
        if (!more) {
          break;
        }
        stopIfKilled();
        if (image.rejectStage() != null) {
          output.addReject(image.record().id(), image.record().source(), image.rejectStage(), image.error());
          counters.rejects().add(1);
          continue;
        }
        batch.add(image);
        if (batch.size() == settings.batchSize()) {
          encode(batch, predictor, output);
        }
      }
      if (batch.size() > 0) {
        encode(batch, predictor, output);
      }
      // A task of a failed or cancelled job must not commit after a re-run has started.
      stopIfKilled();
      long committing = System.nanoTime();
      boolean committed = output.commit();
      timings.committing += System.nanoTime() - committing;
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info("Shard {}: {} images in {} ms (task thread CPU {} ms): opening {} ms, decoding or waiting for "
          + "decode threads {} ms, encoding {} ms, writing {} ms, committing {} ms", shard.name(),
          output.tokenRows() + output.rejectRows(), Math.round(seconds * 1000),
          (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1_000_000,
          timings.opening / 1_000_000, timings.waitingForDecode / 1_000_000, timings.encoding / 1_000_000,
          timings.writing / 1_000_000, timings.committing / 1_000_000);
      return new ShardResult(shard.index(), shard.name(), output.tokenRows(), output.rejectRows(), truncatedAccepted,
          committed, seconds, device, timings.firstEncodedAtMillis);
    }
  }

  /**
   * Decode-thread work: read, decode and preprocess one record into its own pixel buffer. The decode waits
   * for its estimated memory in the JVM's {@link DecodeBudget}, and running out of heap anyway fails the
   * task (Spark retries it): it says nothing about the image, so it must never become a reject row.
   */
  private Prepared prepare(InputRecord record) {
    ImageDecoder decoder = new ImageDecoder(settings.maxPixels());
    if (settings.acceptTruncated()) {
      decoder = decoder.acceptingTruncated();
    }
    Preprocessor preprocessor = preprocessor();
    try {
      byte[] bytes = record.bytes().read();
      try (PendingImage pending = decoder.open(bytes, record.source());
          DecodeBudget.Permit permit = DecodeBudget.shared().admit(pending.estimate().bytes()
              + preprocessor.workingBytes(pending.width(), pending.height(), pending.estimate().planes()))) {
        DecodedImage image = pending.decode();
        float[] pixels = new float[preprocessor.valuesPerImage()];
        try {
          preprocessor.write(image, pixels, 0);
        } catch (OutOfMemoryError e) {
          throw new DecodeMemoryException("ran out of heap preprocessing " + record.source() + " ("
              + image.width() + "x" + image.height() + " pixels): give the executors more memory, or lower"
              + " --max-pixels to reject such images");
        }
        return new Prepared(record, pixels, image.height(), image.width(), null, null,
            pending.damage().orElse(null));
      }
    } catch (InputRecord.UnreadableInputException e) {
      return new Prepared(record, null, 0, 0, "read", e.getMessage(), null);
    } catch (java.io.UncheckedIOException | DecodeMemoryException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.spark.TaskKilledException("interrupted while waiting for decode memory");
    } catch (ImageRejectedException e) {
      return new Prepared(record, null, 0, 0, e.stage(), e.getMessage(), null);
    } catch (RuntimeException e) {
      return new Prepared(record, null, 0, 0, "preprocess", String.valueOf(e.getMessage()), null);
    }
  }

  private Preprocessor preprocessor() {
    return new Preprocessor(manifest.channels(), manifest.inputHeight(), manifest.inputWidth(), manifest.resize(),
        manifest.pixelMin(), manifest.pixelMax());
  }

  /**
   * Encodes a batch; if the encoder fails on it, retries image by image so only the bad ones are rejected.
   * Only the encoder call is retried: a failure while writing rows fails the task, or rows would repeat.
   */
  private void encode(Batch batch, Predictor<PixelBatch, TokenBatch> predictor, ShardOutput output)
      throws IOException {
    TokenBatch tokens;
    long encoding = System.nanoTime();
    try {
      tokens = predictor.predict(batch.pixels(manifest));
    } catch (TranslateException | RuntimeException batchFailure) {
      tokens = null;
    }
    long writing = System.nanoTime();
    timings.encoding += writing - encoding;
    if (tokens != null) {
      write(batch.images, tokens, output);
      timings.writing += System.nanoTime() - writing;
    } else {
      for (Prepared one : batch.images) {
        TokenBatch single;
        try {
          single = predictor.predict(Batch.of(one).pixels(manifest));
        } catch (TranslateException | RuntimeException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          output.addReject(one.record().id(), one.record().source(), "encode", String.valueOf(cause.getMessage()));
          counters.rejects().add(1);
          continue;
        }
        write(List.of(one), single, output);
      }
    }
    batch.clear();
  }

  private static void stopIfKilled() {
    TaskContext task = TaskContext.get();
    if (task != null && task.isInterrupted()) {
      throw new org.apache.spark.TaskKilledException("the job was cancelled");
    }
  }

  private void write(List<Prepared> images, TokenBatch tokens, ShardOutput output) throws IOException {
    if (timings.firstEncodedAtMillis < 0) {
      timings.firstEncodedAtMillis = System.currentTimeMillis();
    }
    for (int i = 0; i < images.size(); i++) {
      Prepared image = images.get(i);
      output.addTokens(image.record().id(), tokens.image(i), tokens.gridHeight(), tokens.gridWidth(),
          image.height(), image.width(), image.record().passthrough());
      if (image.damage() != null) {
        truncatedAccepted++;
        LOG.info("Tokenized the incomplete image {} (--accept-truncated): {}", image.record().source(), image.damage());
      }
    }
    counters.images().add(images.size());
  }

  /**
   * A record after decode-thread work: pixels, or the stage and reason it was rejected; {@code damage} says
   * why accepted pixels are incomplete (a truncated file kept with --accept-truncated), else null.
   */
  private record Prepared(InputRecord record, float[] pixels, int height, int width, String rejectStage,
      String error, String damage) {}

  /** Images waiting for the encoder, copied into one NCHW buffer when the batch runs. */
  private static final class Batch {
    private final List<Prepared> images = new ArrayList<>();
    private float[] buffer;

    static Batch of(Prepared image) {
      Batch batch = new Batch();
      batch.add(image);
      return batch;
    }

    void add(Prepared image) {
      images.add(image);
    }

    int size() {
      return images.size();
    }

    void clear() {
      images.clear();
    }

    PixelBatch pixels(TokenizerManifest manifest) {
      int per = images.get(0).pixels().length;
      if (buffer == null || buffer.length < per * images.size()) {
        buffer = new float[per * images.size()];
      }
      for (int i = 0; i < images.size(); i++) {
        System.arraycopy(images.get(i).pixels(), 0, buffer, i * per, per);
      }
      return new PixelBatch(buffer, images.size(), manifest.channels(), manifest.inputHeight(), manifest.inputWidth());
    }
  }
}

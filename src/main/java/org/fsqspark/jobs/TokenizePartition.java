package org.fsqspark.jobs;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.fsqspark.image.DecodedImage;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.ImageRejectedException;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.io.HadoopConfiguration;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelPackage;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.model.TokenizerManifest;
import org.fsqspark.model.TokenizerModel;

/**
 * Executor side of tokenize: decodes and preprocesses the files of one partition, runs them through the
 * JVM's shared encoder in batches with this task's own predictor, and emits one row per input, either
 * tokens or a reject. Rows are produced lazily, batch by batch, so memory stays bounded per task.
 */
final class TokenizePartition implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Encoded images larger than this are rejected unread: no real image file needs 1 GiB. */
  static final long MAX_FILE_BYTES = 1L << 30;

  /** Token columns followed by reject columns; exactly one of the two groups is filled per row. */
  static final StructType RESULT_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(TokenTable.ID, DataTypes.StringType, false),
      DataTypes.createStructField(TokenTable.TOKENS, DataTypes.createArrayType(DataTypes.IntegerType, false), true),
      DataTypes.createStructField(TokenTable.GRID_H, DataTypes.IntegerType, true),
      DataTypes.createStructField(TokenTable.GRID_W, DataTypes.IntegerType, true),
      DataTypes.createStructField(TokenTable.HEIGHT, DataTypes.IntegerType, true),
      DataTypes.createStructField(TokenTable.WIDTH, DataTypes.IntegerType, true),
      DataTypes.createStructField("source", DataTypes.StringType, true),
      DataTypes.createStructField("stage", DataTypes.StringType, true),
      DataTypes.createStructField("error", DataTypes.StringType, true)});

  /** Accumulators the driver reads for progress and the run summary. */
  record Counters(LongAccumulator images, LongAccumulator rejects, LongAccumulator modelLoads,
      CollectionAccumulator<String> jvms) implements java.io.Serializable {}

  private final Broadcast<ModelPackage> model;
  private final HadoopConfiguration hadoop;
  private final TokenizerManifest manifest;
  private final SourceIds ids;
  private final int batchSize;
  private final long maxPixels;
  private final DeviceRequest device;
  private final Counters counters;

  TokenizePartition(Broadcast<ModelPackage> model, HadoopConfiguration hadoop, TokenizerManifest manifest,
      SourceIds ids, int batchSize, long maxPixels, DeviceRequest device, Counters counters) {
    this.model = model;
    this.hadoop = hadoop;
    this.manifest = manifest;
    this.ids = ids;
    this.batchSize = batchSize;
    this.maxPixels = maxPixels;
    this.device = device;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> files) {
    TaskContext task = TaskContext.get();
    JvmModelCache.limitEngineThreads(task == null ? 1 : task.cpus());
    counters.jvms().add(ManagementFactory.getRuntimeMXBean().getName());
    TokenizerModel encoder = JvmModelCache.obtain(model.value(), device.resolve(assignedGpu(task)),
        () -> counters.modelLoads().add(1));
    Predictor<PixelBatch, TokenBatch> predictor = encoder.newPredictor();
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> predictor.close());
    }
    return new Batches(files, predictor);
  }

  /** The GPU address Spark reserved for this task, or null when it reserved none. */
  static String assignedGpu(TaskContext task) {
    if (task == null) {
      return null;
    }
    ResourceInformation gpus = task.resourcesJMap().get("gpu");
    return gpus == null || gpus.addresses().length == 0 ? null : gpus.addresses()[0];
  }

  /** Pulls files, fills one batch, encodes it, and hands out its rows before pulling more. */
  private final class Batches implements Iterator<Row> {
    private final Iterator<Row> files;
    private final Predictor<PixelBatch, TokenBatch> predictor;
    private final ImageDecoder decoder = new ImageDecoder(maxPixels);
    private final Preprocessor preprocessor = new Preprocessor(manifest.channels(), manifest.inputHeight(),
        manifest.inputWidth(), manifest.resize(), manifest.pixelMin(), manifest.pixelMax());
    private final float[] pixels = new float[batchSize * preprocessor.valuesPerImage()];
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private final List<Pending> pending = new ArrayList<>(batchSize);

    Batches(Iterator<Row> files, Predictor<PixelBatch, TokenBatch> predictor) {
      this.files = files;
      this.predictor = predictor;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && files.hasNext()) {
        fillAndEncode();
      }
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void fillAndEncode() {
      pending.clear();
      while (pending.size() < batchSize && files.hasNext()) {
        Row file = files.next();
        String path = file.getString(0);
        String id = ids.idOf(path);
        try {
          DecodedImage image = decoder.decode(read(path, file.getLong(1)), path);
          preprocessor.write(image, pixels, pending.size() * preprocessor.valuesPerImage());
          pending.add(new Pending(id, image.height(), image.width(), path));
        } catch (ImageRejectedException e) {
          reject(id, path, e.stage(), e.getMessage());
        } catch (RuntimeException e) {
          reject(id, path, "preprocess", String.valueOf(e.getMessage()));
        }
      }
      if (!pending.isEmpty()) {
        encode();
      }
    }

    private void encode() {
      try {
        emit(pending, predictor.predict(batchOf(pending.size())));
      } catch (TranslateException | RuntimeException batchFailure) {
        // Find the image(s) responsible instead of losing the whole batch.
        for (int i = 0; i < pending.size(); i++) {
          Pending one = pending.get(i);
          try {
            System.arraycopy(pixels, i * preprocessor.valuesPerImage(), pixels, 0, preprocessor.valuesPerImage());
            emit(List.of(one), predictor.predict(batchOf(1)));
          } catch (TranslateException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            reject(one.id(), one.source(), "encode", String.valueOf(cause.getMessage()));
          }
        }
      }
    }

    private byte[] read(String path, long length) throws ImageRejectedException {
      if (length > MAX_FILE_BYTES) {
        throw new ImageRejectedException("read", "file of " + length + " bytes is larger than the "
            + MAX_FILE_BYTES + " bytes an encoded image may have");
      }
      Path file = new Path(path);
      try (FSDataInputStream in = file.getFileSystem(hadoop.get()).open(file)) {
        byte[] bytes = new byte[(int) length];
        in.readFully(0, bytes);
        return bytes;
      } catch (IOException e) {
        throw new ImageRejectedException("read", "cannot read the file: " + e, e);
      }
    }

    private PixelBatch batchOf(int count) {
      return new PixelBatch(pixels, count, manifest.channels(), manifest.inputHeight(), manifest.inputWidth());
    }

    private void emit(List<Pending> images, TokenBatch tokens) {
      for (int i = 0; i < images.size(); i++) {
        Pending image = images.get(i);
        ready.add(RowFactory.create(image.id(), tokens.image(i), tokens.gridHeight(), tokens.gridWidth(),
            image.height(), image.width(), null, null, null));
      }
      counters.images().add(images.size());
    }

    private void reject(String id, String source, String stage, String error) {
      ready.add(RowFactory.create(id, null, null, null, null, null, source, stage, error));
      counters.rejects().add(1);
    }
  }

  private record Pending(String id, int height, int width, String source) {}
}

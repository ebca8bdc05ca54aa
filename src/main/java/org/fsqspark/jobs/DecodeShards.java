package org.fsqspark.jobs;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.ImageEncoder;
import org.fsqspark.image.ImageRejectedException;
import org.fsqspark.image.PendingImage;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.io.Column;
import org.fsqspark.io.ColumnType;
import org.fsqspark.io.FileNames;
import org.fsqspark.io.HadoopConfiguration;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.SafePaths;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.DecoderModel;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.model.ModelSource;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.model.TokenizerManifest;

/**
 * Executor side of decode: token rows of a partition, batched through the JVM's shared decoder, written as
 * PNG files or as one Parquet image file per partition; with originals, each image's PSNR against its source
 * (preprocessed exactly as tokenize did) goes to a per-partition Parquet file. Rows whose tokens the model
 * cannot decode (out of range, null, not its grid) go to a per-partition rejects file.
 */
final class DecodeShards implements FlatMapFunction<Iterator<Row>, DecodeShards.Partial> {
  private static final long serialVersionUID = 1L;
  private static final int SAMPLES_PER_PARTITION = 16;

  /** What one partition reports to the driver. */
  static final class Partial implements Serializable {
    private static final long serialVersionUID = 1L;
    long images;
    long rejected;
    long compared;
    double psnrSum;
    long missingOriginals;
    final List<Sample> samples = new ArrayList<>();
  }

  /** An original (preprocessed) and its reconstruction, both as [0, 1] CHW planes, for the comparison grid. */
  record Sample(String id, float[] original, float[] reconstruction) implements Serializable {}

  private final Broadcast<ModelSource> model;
  private final Broadcast<HadoopConfiguration> hadoop;
  private final TokenizerManifest manifest;
  private final DecodeConfig config;
  private final String originalsRoot;
  private final DeviceRequest device;

  DecodeShards(Broadcast<ModelSource> model, Broadcast<HadoopConfiguration> hadoop, TokenizerManifest manifest,
      DecodeConfig config, String originalsRoot, DeviceRequest device) {
    this.model = model;
    this.hadoop = hadoop;
    this.manifest = manifest;
    this.config = config;
    this.originalsRoot = originalsRoot;
    this.device = device;
  }

  @Override
  public Iterator<Partial> call(Iterator<Row> rows) throws Exception {
    TaskContext task = TaskContext.get();
    JvmModelCache.limitEngineThreads(task == null ? 1 : task.cpus());
    DecoderModel decoder = JvmModelCache.obtainDecoder(model.value(), device.resolve(TokenizeShards.assignedGpu(task)));
    int partition = task == null ? 0 : task.partitionId();
    long attempt = task == null ? 0 : task.taskAttemptId();
    Configuration conf = hadoop.value().get();
    Path output = new Path(config.output());
    Partial partial = new Partial();
    ParquetRowWriter images = null;
    ParquetRowWriter psnr = null;
    Path imagesTemporary = new Path(output, "_temporary/images-" + partition + "-" + attempt + ".parquet");
    Path psnrTemporary = new Path(output, "_temporary/psnr-" + partition + "-" + attempt + ".parquet");
    if ("parquet".equals(config.format())) {
      images = new ParquetRowWriter(conf, imagesTemporary, List.of(Column.required("id", ColumnType.STRING),
          Column.required("image", ColumnType.BINARY)), Map.of());
    }
    if (originalsRoot != null) {
      psnr = new ParquetRowWriter(conf, psnrTemporary, List.of(Column.required("id", ColumnType.STRING),
          Column.required("psnr", ColumnType.DOUBLE)), Map.of());
    }
    Path rejectsTemporary = new Path(output, "_temporary/rejects-" + partition + "-" + attempt + ".parquet");
    ParquetRowWriter rejects = null;
    try (Predictor<TokenBatch, PixelBatch> predictor = decoder.newPredictor()) {
      List<String> ids = new ArrayList<>();
      int tokensPerImage = manifest.tokensPerImage();
      int codebookSize = manifest.levels().codebookSize();
      int[] tokens = new int[config.batchSize() * tokensPerImage];
      while (rows.hasNext()) {
        Row row = rows.next();
        String problem = row.isNullAt(0) ? "id is null" : TokenTable.tokenProblem(row.isNullAt(1) ? null
                : row.getList(1), row.isNullAt(2) ? null : row.getInt(2), row.isNullAt(3) ? null : row.getInt(3),
            manifest.gridHeight(), manifest.gridWidth(), codebookSize);
        if (problem != null) {
          // A damaged row is the data's fault: it is set aside with the reason, the other rows decode.
          if (rejects == null) {
            rejects = new ParquetRowWriter(conf, rejectsTemporary, TokenTable.REJECT_COLUMNS, Map.of());
          }
          rejects.write(new Object[] {row.isNullAt(0) ? "" : row.getString(0), row.getString(4), "tokens", problem});
          partial.rejected++;
          continue;
        }
        List<Integer> list = row.getList(1);
        for (int i = 0; i < tokensPerImage; i++) {
          tokens[ids.size() * tokensPerImage + i] = list.get(i);
        }
        ids.add(row.getString(0));
        if (ids.size() == config.batchSize()) {
          decode(predictor, tokens, ids, conf, output, images, psnr, partial);
        }
      }
      if (!ids.isEmpty()) {
        decode(predictor, tokens, ids, conf, output, images, psnr, partial);
      }
    } catch (TranslateException e) {
      throw new IllegalStateException("The decoder failed: " + e.getMessage(), e);
    } finally {
      for (ParquetRowWriter writer : new ParquetRowWriter[] {images, psnr, rejects}) {
        if (writer != null) {
          writer.close();
        }
      }
    }
    FileSystem fs = output.getFileSystem(conf);
    String part = "part-" + String.format("%05d", partition) + ".parquet";
    if (images != null) {
      commit(fs, imagesTemporary, new Path(output, "images/" + part));
    }
    if (psnr != null) {
      commit(fs, psnrTemporary, new Path(output, "psnr/" + part));
    }
    if (rejects != null) {
      commit(fs, rejectsTemporary, new Path(output, TokenTable.REJECTS_DIR + "/" + part));
    }
    return List.of(partial).iterator();
  }

  private void decode(Predictor<TokenBatch, PixelBatch> predictor, int[] tokens, List<String> ids, Configuration conf,
      Path output, ParquetRowWriter images, ParquetRowWriter psnr, Partial partial)
      throws TranslateException, IOException {
    PixelBatch pixels = predictor.predict(new TokenBatch(tokens, ids.size(), manifest.gridHeight(),
        manifest.gridWidth()));
    write(conf, output, ids, pixels, images, psnr, partial);
    ids.clear();
  }

  private void write(Configuration conf, Path output, List<String> ids, PixelBatch pixels, ParquetRowWriter images,
      ParquetRowWriter psnr, Partial partial) throws IOException {
    int per = pixels.channels() * pixels.height() * pixels.width();
    FileSystem fs = output.getFileSystem(conf);
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      byte[] png = ImageEncoder.png(pixels.pixels(), i * per, pixels.channels(), pixels.height(), pixels.width(),
          manifest.pixelMin(), manifest.pixelMax());
      if (images != null) {
        images.write(new Object[] {id, png});
      } else {
        String stem = id.replaceFirst("(?i)\\.(png|jpe?g|webp|bmp|gif|tiff?)$", "");
        try (FSDataOutputStream out = fs.create(SafePaths.under(new Path(output, "images"), stem, ".png"), true)) {
          out.write(png);
        }
      }
      partial.images++;
      if (psnr != null) {
        compare(conf, id, pixels.pixels(), i * per, per, psnr, partial);
      }
    }
  }

  private void compare(Configuration conf, String id, float[] reconstruction, int offset, int per,
      ParquetRowWriter psnr, Partial partial) throws IOException {
    float[] original;
    try {
      // Ids are the literal relative paths tokenize listed (FileNames), so the source is found byte for byte.
      String source = FileNames.child(originalsRoot, id);
      if (source == null) {
        partial.missingOriginals++;
        return;
      }
      byte[] bytes = FileNames.readAll(conf, source);
      Preprocessor preprocessor = new Preprocessor(manifest.channels(), manifest.inputHeight(), manifest.inputWidth(),
          manifest.resize(), manifest.pixelMin(), manifest.pixelMax());
      original = new float[preprocessor.valuesPerImage()];
      // Decoded and preprocessed as tokenize does (DCT-scaled where it is), so the PSNR compares like with like.
      try (PendingImage image = new ImageDecoder().open(bytes, source)) {
        preprocessor.write(image, original, 0);
      }
    } catch (IOException | ImageRejectedException | RuntimeException e) {
      partial.missingOriginals++;
      return;
    }
    float span = manifest.pixelMax() - manifest.pixelMin();
    double squaredError = 0;
    float[] unitOriginal = new float[per];
    float[] unitReconstruction = new float[per];
    for (int p = 0; p < per; p++) {
      unitOriginal[p] = (original[p] - manifest.pixelMin()) / span;
      unitReconstruction[p] = Math.max(0, Math.min(1, (reconstruction[offset + p] - manifest.pixelMin()) / span));
      double difference = unitOriginal[p] - unitReconstruction[p];
      squaredError += difference * difference;
    }
    double mse = squaredError / per;
    double value = mse <= 1e-10 ? 100 : 10 * Math.log10(1 / mse);
    psnr.write(new Object[] {id, value});
    partial.compared++;
    partial.psnrSum += value;
    if (partial.samples.size() < SAMPLES_PER_PARTITION) {
      partial.samples.add(new Sample(id, unitOriginal, unitReconstruction));
    }
  }

  private static void commit(FileSystem fs, Path temporary, Path target) throws IOException {
    fs.mkdirs(target.getParent());
    fs.delete(target, false);
    if (!fs.rename(temporary, target)) {
      throw new IOException("Cannot rename " + temporary + " to " + target);
    }
  }
}

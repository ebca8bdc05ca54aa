package org.fsqspark.pipeline;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.RejectStage;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.image.ImageEncoder;
import org.fsqspark.image.Psnr;
import org.fsqspark.io.DecodedTables;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.PartVariants;
import org.fsqspark.io.RejectsFile;
import org.fsqspark.io.SafePaths;
import org.fsqspark.io.TextFiles;
import org.fsqspark.io.TokenPartReader;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.shard.ShardCommit;
import org.fsqspark.shard.ShardContext;

/**
 * One part file through decode: its token rows in batches through the decoder, written as PNG files or an
 * image table; with originals, each image's PSNR; rows the model cannot decode (null or out-of-range tokens,
 * not its grid) as rejects. The part's tables and its marker, which holds its counts, are committed together.
 */
final class PartDecoder {
  /** Compared images kept per part for the comparison grid: the ones with the smallest ids. */
  static final int SAMPLES = 16;

  private final TablePart part;
  private final ShardContext context;
  private final TokenizerManifest manifest;
  private final DecodeSettings settings;
  private final Predictor<TokenBatch, PixelBatch> predictor;
  private final Configuration conf;
  private final Path output;
  private final OriginalImages originals;
  private final TreeMap<String, DecodeShardResult.Sample> samples = new TreeMap<>();
  private ParquetRowWriter imageRows;
  private ParquetRowWriter psnrRows;
  private long images;
  private long rejected;
  private long compared;
  private double psnrSum;
  private long missing;
  /** The part's augmentation variants: rows with a variant column are named and compared by variant too. */
  private PartVariants variants = PartVariants.NONE;

  PartDecoder(TablePart part, ShardContext context, TokenizerManifest manifest, DecodeSettings settings,
      Predictor<TokenBatch, PixelBatch> predictor) {
    this.part = part;
    this.context = context;
    this.manifest = manifest;
    this.settings = settings;
    this.predictor = predictor;
    this.conf = context.hadoop();
    this.output = new Path(settings.output());
    this.originals = settings.originals() == null ? null : new OriginalImages(settings.originals(), conf, manifest);
  }

  DecodeShardResult run() throws IOException {
    ShardCommit commit = new ShardCommit(conf, output, part.name(), context.attempt());
    String name = part.name() + ".parquet";
    Path images = settings.parquet() ? commit.stage("images.parquet", "images/" + name) : null;
    Path psnr = originals != null ? commit.stage("psnr.parquet", "psnr/" + name) : null;
    Path rejects = commit.stage("rejects.parquet", TokenTable.REJECTS_DIR + "/" + name);
    Path marker = commit.stage("json", DecodeWork.MARKERS + "/" + part.name() + ".json");
    boolean finished = false;
    variants = PartVariants.read(conf, new Path(part.path()));
    try (ParquetRowWriter imageWriter = images == null ? null : writer(images, DecodedTables.IMAGE_COLUMNS);
        ParquetRowWriter psnrWriter = psnr == null ? null : writer(psnr, DecodedTables.PSNR_COLUMNS);
        RejectsFile rejectRows = RejectsFile.lazy(conf, rejects);
        TokenPartReader rows = TokenPartReader.open(conf, new Path(part.path()),
            variants.column() ? List.of(TokenTable.VARIANT) : List.of())) {
      imageRows = imageWriter;
      psnrRows = psnrWriter;
      decodeAll(rows, rejectRows);
      // A task of a failed or cancelled job must not commit after a re-run has started.
      context.stopIfKilled();
      for (java.io.Closeable done : new java.io.Closeable[] {imageWriter, psnrWriter, rejectRows}) {
        if (done != null) {
          done.close();
        }
      }
      DecodeShardResult counts = result(true);
      TextFiles.write(conf, marker, counts.toJson());
      boolean committed = commit.commit(marker);
      finished = true;
      return committed ? counts : result(false);
    } finally {
      if (!finished) {
        commit.abort();
      }
    }
  }

  private ParquetRowWriter writer(Path file, List<org.fsqspark.io.Column> columns) throws IOException {
    List<org.fsqspark.io.Column> all = new ArrayList<>(columns);
    if (variants.column()) {
      all.add(TokenTable.VARIANT_COLUMN);
    }
    return new ParquetRowWriter(conf, file, all, Map.of());
  }

  private DecodeShardResult result(boolean committed) {
    return new DecodeShardResult(part.name(), committed, images, rejected, compared, psnrSum, missing,
        new ArrayList<>(samples.values()));
  }

  private void decodeAll(TokenPartReader rows, RejectsFile rejects) throws IOException {
    int perImage = manifest.tokensPerImage();
    int[] tokens = new int[settings.batchSize() * perImage];
    List<String> ids = new ArrayList<>();
    List<String> rowVariants = new ArrayList<>();
    while (rows.hasNext()) {
      TokenPartReader.Row row = rows.next();
      String problem = row.id() == null ? "id is null" : TokenTable.tokenProblem(row.tokens(), row.gridHeight(),
          row.gridWidth(), manifest.gridHeight(), manifest.gridWidth(), manifest.levels().codebookSize());
      if (problem != null) {
        // A damaged row is the data's fault: it is set aside with the reason, the other rows decode.
        rejects.add(row.id() == null ? "" : row.id(), part.path(), RejectStage.TOKENS, problem);
        rejected++;
        context.add(DecodeWork.REJECTS, 1);
        continue;
      }
      for (int i = 0; i < perImage; i++) {
        tokens[ids.size() * perImage + i] = row.tokens().get(i);
      }
      ids.add(row.id());
      rowVariants.add(variants.column() ? String.valueOf(row.passthrough()[0]) : null);
      if (ids.size() == settings.batchSize()) {
        decode(tokens, ids, rowVariants);
      }
    }
    if (!ids.isEmpty()) {
      decode(tokens, ids, rowVariants);
    }
  }

  private void decode(int[] tokens, List<String> ids, List<String> rowVariants) throws IOException {
    PixelBatch pixels;
    try {
      pixels = predictor.predict(new TokenBatch(tokens, ids.size(), manifest.gridHeight(), manifest.gridWidth()));
    } catch (TranslateException e) {
      throw new IllegalStateException("The decoder failed: " + e.getMessage(), e);
    }
    int per = pixels.channels() * pixels.height() * pixels.width();
    for (int i = 0; i < ids.size(); i++) {
      write(ids.get(i), rowVariants.get(i), ImageEncoder.png(pixels.pixels(), i * per, pixels.channels(), pixels.height(), pixels.width(),
          manifest.pixelMin(), manifest.pixelMax()));
      if (originals != null) {
        compare(ids.get(i), rowVariants.get(i), pixels.pixels(), i * per, per);
      }
    }
    images += ids.size();
    context.add(DecodeWork.IMAGES, ids.size());
    ids.clear();
    rowVariants.clear();
  }

  /**
   * One decoded image: a row of the image table, or a PNG file named by its id under images/; a row of a
   * table with variants carries its variant, and its file is {@code <id without extension>.<variant>.png}, so
   * the variants of one id never write the same file.
   */
  private void write(String id, String variant, byte[] png) throws IOException {
    if (imageRows != null) {
      imageRows.write(variant == null ? new Object[] {id, png} : new Object[] {id, png, variant});
      return;
    }
    String stem = id.replaceFirst("(?i)\\.(png|jpe?g|webp|bmp|gif|tiff?)$", "") + (variant == null ? "" : "." + variant);
    FileSystem fs = output.getFileSystem(conf);
    try (FSDataOutputStream out = fs.create(SafePaths.under(new Path(output, "images"), stem, ".png"), true)) {
      out.write(png);
    }
  }

  private void compare(String id, String variant, float[] reconstruction, int offset, int per) throws IOException {
    float[] original = originals.load(id, variant, variants.variants());
    if (original == null) {
      missing++;
      return;
    }
    float[] unitOriginal = Psnr.toUnit(original, 0, per, manifest.pixelMin(), manifest.pixelMax(), false);
    float[] unitReconstruction = Psnr.toUnit(reconstruction, offset, per, manifest.pixelMin(), manifest.pixelMax(),
        true);
    double value = Psnr.between(unitOriginal, unitReconstruction);
    psnrRows.write(variant == null ? new Object[] {id, value} : new Object[] {id, value, variant});
    compared++;
    psnrSum += value;
    String key = variant == null ? id : id + " " + variant;
    samples.put(key, new DecodeShardResult.Sample(key, unitOriginal, unitReconstruction));
    if (samples.size() > SAMPLES) {
      samples.pollLastEntry();
    }
  }
}

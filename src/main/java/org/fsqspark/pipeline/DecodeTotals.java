package org.fsqspark.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.image.ComparisonGrid;
import org.fsqspark.io.TextFiles;

/**
 * What a decode output holds over all its parts: this run's committed results and the markers of parts an
 * earlier run committed; and {@code grid.png}, drawn from this run's samples.
 */
public final class DecodeTotals {
  private static final int GRID_IMAGES = 16;

  private final List<DecodeShardResult> parts;
  private final String grid;

  private DecodeTotals(List<DecodeShardResult> parts, String grid) {
    this.parts = parts;
    this.grid = grid;
  }

  /**
   * Totals every part of {@code parts}; writes {@code grid.png} (originals over reconstructions, the compared
   * images with the smallest ids, up to 16) when this run compared any, else keeps an earlier run's.
   */
  public static DecodeTotals of(Configuration conf, Path output, List<TablePart> parts,
      List<DecodeShardResult> results, TokenizerManifest manifest) {
    List<DecodeShardResult> all = new ArrayList<>(results.stream().filter(DecodeShardResult::committed).toList());
    Set<String> fresh = new HashSet<>(all.stream().map(DecodeShardResult::shard).toList());
    try {
      FileSystem fs = output.getFileSystem(conf);
      for (TablePart part : parts) {
        if (!fresh.contains(part.name())) {
          Path marker = new Path(new Path(output, DecodeWork.MARKERS), part.name() + ".json");
          all.add(DecodeShardResult.fromMarker(part.name(), TextFiles.read(fs, marker)));
        }
      }
      Path grid = new Path(output, "grid.png");
      List<DecodeShardResult.Sample> samples = new ArrayList<>();
      results.forEach(result -> samples.addAll(result.samples()));
      if (!samples.isEmpty()) {
        writeGrid(fs, grid, samples, manifest);
      }
      boolean compared = all.stream().anyMatch(part -> part.compared() > 0);
      return new DecodeTotals(all, compared && fs.exists(grid) ? grid.toString() : null);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot total the parts of " + output + ": " + e.getMessage(), e);
    }
  }

  public long images() {
    return parts.stream().mapToLong(DecodeShardResult::images).sum();
  }

  public long rejected() {
    return parts.stream().mapToLong(DecodeShardResult::rejected).sum();
  }

  public long compared() {
    return parts.stream().mapToLong(DecodeShardResult::compared).sum();
  }

  /** Mean PSNR in dB over the compared images, NaN when none was. */
  public double meanPsnr() {
    long compared = compared();
    return compared == 0 ? Double.NaN : parts.stream().mapToDouble(DecodeShardResult::psnrSum).sum() / compared;
  }

  public long missingOriginals() {
    return parts.stream().mapToLong(DecodeShardResult::missingOriginals).sum();
  }

  /** The comparison grid, or null when there is none. */
  public String grid() {
    return grid;
  }

  private static void writeGrid(FileSystem fs, Path file, List<DecodeShardResult.Sample> samples,
      TokenizerManifest manifest) throws IOException {
    samples.sort(Comparator.comparing(DecodeShardResult.Sample::id));
    List<DecodeShardResult.Sample> shown = samples.subList(0, Math.min(GRID_IMAGES, samples.size()));
    byte[] png = ComparisonGrid.png(shown.stream().map(DecodeShardResult.Sample::original).toList(),
        shown.stream().map(DecodeShardResult.Sample::reconstruction).toList(), manifest.channels(),
        manifest.inputHeight(), manifest.inputWidth());
    try (var out = fs.create(file, true)) {
      out.write(png);
    }
  }
}

package org.fsqspark.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.fsqspark.error.BadDataException;
import org.fsqspark.io.TokenPartReader;
import org.fsqspark.io.TokenTable;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.model.JvmModelCache;
import org.fsqspark.prior.PriorArchitecture;
import org.fsqspark.prior.PriorCoder;
import org.fsqspark.prior.PriorModel;
import org.fsqspark.prior.PriorPackage;
import org.fsqspark.shard.ShardContext;
import org.fsqspark.shard.ShardWork;
import org.fsqspark.shard.Shipped;
import org.fsqspark.stats.CompressionCost;
import org.fsqspark.stats.CostModel;
import org.fsqspark.stats.StreamCoder;
import org.fsqspark.stats.TokenGrid;

/**
 * {@code stats --prior}, executor side: one stream of grids coded with the M2T schedule under the JVM's shared
 * prior, and (for the {@code --verify} share of streams) decoded back and compared. The real bytes and the ideal
 * -log2 p sum come back as a {@link CompressionCost} to merge with the other models'.
 */
public final class PriorCodingWork implements ShardWork<PriorStream, PriorStreamResult> {
  private static final long serialVersionUID = 1L;
  /** Counter of grids coded plus grids decoded. */
  public static final String GRIDS = "grids";

  private final Shipped<PriorPackage> prior;
  private final DeviceRequest device;
  private final int steps;
  private final double verifyFraction;
  /** The {@code variant} value of the rows to code ({@code stats --variant}), or null for every row. */
  private final String variant;

  /** Codes only the rows whose {@code variant} column is {@code variant} (null: every row). */
  public PriorCodingWork(Shipped<PriorPackage> prior, DeviceRequest device, int steps, double verifyFraction,
      String variant) {
    this.prior = prior;
    this.device = device;
    this.steps = steps;
    this.verifyFraction = verifyFraction;
    this.variant = variant;
  }

  @Override
  public PriorStreamResult process(PriorStream stream, ShardContext context) throws IOException {
    JvmModelCache.limitEngineThreads(context.cpus());
    PriorModel model = prior.get().obtain(device.resolve(context.gpu()));
    List<int[]> grids = read(stream, context, model.architecture(), variant);
    CompressionCost cost = new CompressionCost();
    if (grids.isEmpty()) {
      return new PriorStreamResult(stream.name(), cost);
    }
    PriorCoder coder = model.coder(steps, PriorCoder.DEFAULT_BATCH);
    PriorCoder.Coded coded = coder.encode(grids, null, count -> context.add(GRIDS, count));
    cost.addBytes(CostModel.MASKED_TRANSFORMER, coded.bytes().length);
    cost.addIdealBits(CostModel.MASKED_TRANSFORMER, coded.idealBits());
    long verified = 0;
    // The same golden-ratio choice of streams as the other models' --verify.
    if (StreamCoder.verifies(stream.index(), verifyFraction)) {
      List<int[]> decoded = coder.decode(coded.bytes(), grids.size(), null, count -> context.add(GRIDS, count));
      for (int i = 0; i < grids.size(); i++) {
        if (!Arrays.equals(grids.get(i), decoded.get(i))) {
          throw new IllegalStateException("Decoding the masked transformer stream " + stream.name() + " gave grid "
              + i + " back wrong: the coder or the prior's determinism is broken");
        }
      }
      verified = coded.tokens();
    }
    cost.addVerified(CostModel.MASKED_TRANSFORMER, verified);
    return new PriorStreamResult(stream.name(), cost);
  }

  /**
   * The stream's grids: every {@code slices}-th row of its part file, from row {@code slice} on, of those rows the
   * ones of {@code variant} (null: all).
   */
  private static List<int[]> read(PriorStream stream, ShardContext context, PriorArchitecture architecture,
      String variant) throws IOException {
    Path file = new Path(stream.path());
    List<int[]> grids = new ArrayList<>();
    List<String> columns = variant == null ? List.of() : List.of(TokenTable.VARIANT);
    try (TokenPartReader rows = TokenPartReader.open(context.hadoop(), file, columns)) {
      for (long row = 0; rows.hasNext(); row++) {
        TokenPartReader.Row next = rows.next();
        if (row % stream.slices() != stream.slice() || (variant != null && !variant.equals(next.passthrough()[0]))) {
          continue;
        }
        TokenGrid grid = TokenGrid.checked(next.tokens(), next.gridHeight(), next.gridWidth());
        if (grid.height() != architecture.gridHeight() || grid.width() != architecture.gridWidth()) {
          throw new BadDataException("Row " + next.id() + " of " + file + " has a " + grid.height() + "x"
              + grid.width() + " grid; the prior codes " + architecture.gridHeight() + "x" + architecture.gridWidth()
              + " grids only");
        }
        grids.add(grid.tokens());
      }
    }
    return grids;
  }
}

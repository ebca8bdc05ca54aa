package org.fsqspark.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;
import org.fsqspark.model.DeviceRequest;
import org.fsqspark.prior.CodingSchedule;
import org.fsqspark.prior.PriorCoder;
import org.fsqspark.prior.PriorPackage;

/**
 * What {@code stats --prior} decides before Spark codes anything: whether the prior fits the table, the streams
 * the table's part files are cut into, and how the masked transformer's row describes itself.
 */
public final class PriorCoding {
  private PriorCoding() {}

  /** Reads the prior on the driver and refuses one made for another tokenizer, before any Spark work. */
  public static PriorPackage check(StatsConfig config, String input, TokenizerManifest manifest) {
    PriorPackage prior = PriorPackage.read(Path.of(config.prior()));
    TokenizerManifest trained = prior.tokenizer();
    if (manifest == null || !trained.equals(manifest)) {
      throw new BadInputException("Prior " + config.prior() + " was trained on tokens of " + trained.name()
          + " " + trained.levels() + " (" + trained.gridHeight() + "x" + trained.gridWidth() + " grids); table "
          + input + " holds tokens of " + (manifest == null ? "an unknown tokenizer" : manifest.name() + " "
          + manifest.levels() + " (" + manifest.gridHeight() + "x" + manifest.gridWidth() + " grids)")
          + "; train a prior on this tokenizer's tokens (fsq prior train)");
    }
    DeviceRequest.parse(config.priorDevice(), false);
    return prior;
  }

  /** One stream per part file, or each file cut into slices until there are at least {@code target} streams. */
  public static List<PriorStream> streams(List<String> parts, int target) {
    int slices = parts.isEmpty() ? 1 : Math.max(1, (target + parts.size() - 1) / parts.size());
    List<PriorStream> streams = new ArrayList<>();
    for (String part : parts) {
      for (int slice = 0; slice < slices; slice++) {
        streams.add(new PriorStream(streams.size(), part, slice, slices));
      }
    }
    return streams;
  }

  /** How the masked transformer's figures were made, for stats.json and the report. */
  public static String describe(StatsConfig config, PriorPackage prior, CodingSchedule schedule, int streams) {
    return String.format(Locale.ROOT, "prior %s (sha256 %s, %s), %s, coded without a label (the null class), %d"
            + " grids per forward pass, %d streams", config.prior(), prior.sha256().substring(0, 12),
        prior.architecture().describe(), schedule, PriorCoder.DEFAULT_BATCH, streams);
  }
}

package org.fsqspark.prior;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadDataException;
import org.fsqspark.error.BadInputException;
import org.fsqspark.io.IdSplit;
import org.fsqspark.io.TokenRow;
import org.fsqspark.io.TokenTableReader;

/** One pass over the table before training: split sizes, classes, rows that cannot be used, held-out grids. */
final class TrainingSurvey {
  private final PriorTrainingConfig config;
  long trainRows;
  long validationRows;
  int classes;
  final List<int[]> validation = new ArrayList<>();
  final List<Integer> validationLabels = new ArrayList<>();
  final Map<String, Long> skippedByReason = new LinkedHashMap<>();

  long skipped() {
    return skippedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  String describeSkipped() {
    List<String> parts = new ArrayList<>();
    skippedByReason.forEach((reason, count) -> parts.add(String.format(Locale.ROOT, "%,d %s", count, reason)));
    return parts.isEmpty() ? "none skipped" : String.join(", ", parts);
  }

  int[] validationLabels() {
    return validationLabels.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Why a row cannot train this prior, or null when it can. */
  String problem(TokenRow row, int gridHeight, int gridWidth, int codebookSize) {
    if (!row.consistent()) {
      return "rows whose token count disagrees with grid_h x grid_w";
    }
    if (row.gridHeight() != gridHeight || row.gridWidth() != gridWidth) {
      return "rows with another grid than " + gridHeight + "x" + gridWidth;
    }
    for (int token : row.tokens()) {
      if (token < 0 || token >= codebookSize) {
        return "rows with tokens outside [0, " + codebookSize + ")";
      }
    }
    if (config.condition() != null) {
      Object label = row.passthrough()[0];
      if (label != null && !(label instanceof Integer || label instanceof Long)) {
        throw new BadInputException("--condition column '" + config.condition() + "' holds "
            + label.getClass().getSimpleName() + " values; it must hold integer class labels");
      }
      if (label != null && ((Number) label).longValue() < 0) {
        return "rows with a negative label";
      }
    }
    return null;
  }

  boolean usable(TokenRow row, PriorArchitecture architecture) {
    return problem(row, architecture.gridHeight(), architecture.gridWidth(), architecture.codebookSize()) == null
        && (!architecture.conditioned() || labelOf(row, architecture) <= architecture.classes());
  }

  /** The row's class, or the null class when it has no label. */
  int labelOf(TokenRow row, PriorArchitecture architecture) {
    if (!architecture.conditioned() || row.passthrough()[0] == null) {
      return architecture.nullClass();
    }
    long label = ((Number) row.passthrough()[0]).longValue();
    if (label >= architecture.classes()) {
      throw new BadDataException("Row " + row.id() + " has label " + label + " but the prior was made for "
          + architecture.classes() + " classes (0.." + (architecture.classes() - 1) + ")");
    }
    return (int) label;
  }

  private TrainingSurvey(PriorTrainingConfig config) {
    this.config = config;
  }

  /** Reads {@code table} once; {@code saved} (a checkpoint's state, or null) fixes the number of classes. */
  static TrainingSurvey of(PriorTrainingConfig config, TokenTableReader table, IdSplit split,
      TokenizerManifest manifest, JsonObject saved) {
    TrainingSurvey survey = new TrainingSurvey(config);
    List<String> passthrough = config.condition() == null ? List.of() : List.of(config.condition());
    long maxLabel = -1;
    List<TokenRow> heldOut = new ArrayList<>();
    try (TokenTableReader.RowStream rows = table.rows(split, IdSplit.Part.ALL, passthrough)) {
      while (rows.hasNext()) {
        TokenRow row = rows.next();
        String problem = survey.problem(row, manifest.gridHeight(), manifest.gridWidth(),
            manifest.levels().codebookSize());
        if (problem != null) {
          survey.skippedByReason.merge(problem, 1L, Long::sum);
          continue;
        }
        if (config.condition() != null && row.passthrough()[0] != null) {
          maxLabel = Math.max(maxLabel, ((Number) row.passthrough()[0]).longValue());
        }
        if (split.isValidation(row.id())) {
          survey.validationRows++;
          if (heldOut.size() < config.validationLimit()) {
            heldOut.add(row);
          }
        } else {
          survey.trainRows++;
        }
      }
    }
    if (config.condition() != null && maxLabel < 0) {
      throw new BadInputException("--condition column '" + config.condition() + "' has no labels in "
          + table.table());
    }
    if (maxLabel >= 1_000_000) {
      throw new BadInputException("--condition column '" + config.condition() + "' holds label " + maxLabel
          + "; class labels must be 0..999999");
    }
    survey.classes = saved != null ? PriorArchitecture.fromJson(saved.getAsJsonObject("architecture")).classes()
        : (int) (maxLabel + 1);
    PriorArchitecture shape = new PriorArchitecture(manifest.levels(), manifest.gridHeight(), manifest.gridWidth(), 1,
        8, 1, 1, survey.classes, false);
    for (TokenRow row : heldOut) {
      survey.validation.add(row.tokens());
      survey.validationLabels.add(survey.labelOf(row, shape));
    }
    return survey;
  }
}

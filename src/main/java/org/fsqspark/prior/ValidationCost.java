package org.fsqspark.prior;

import java.util.Locale;

/**
 * The validation cost of a prior: bits per token of coding the held-out grids with the M2T schedule, ideal
 * (-log2 p under the float model) and range-coded, and with the label for a conditioned prior; NaN without
 * held-out grids.
 */
record ValidationCost(double bits, double codedBits, double bitsWithLabel) {
  String describe(int steps) {
    if (Double.isNaN(bits)) {
      return "none (no held-out grids)";
    }
    return String.format(Locale.ROOT, "%.4f bits/token (M2T, %d steps, -log2 p; %.4f range-coded)%s", bits, steps,
        codedBits, Double.isNaN(bitsWithLabel) ? "" : String.format(Locale.ROOT, ", %.4f with the label",
            bitsWithLabel));
  }

  static ValidationCost of(PriorNetwork network, PriorArchitecture architecture, TrainingSurvey survey,
      int codingSteps) {
    if (survey.validation.isEmpty()) {
      return new ValidationCost(Double.NaN, Double.NaN, Double.NaN);
    }
    PriorCoder coder = new PriorCoder(network,
        CodingSchedule.of(architecture.gridHeight(), architecture.gridWidth(), codingSteps),
        PriorCoder.DEFAULT_BATCH);
    PriorCoder.Coded coded = coder.encode(survey.validation, null);
    double tokens = coded.tokens();
    double withLabel = Double.NaN;
    if (architecture.conditioned()) {
      withLabel = coder.encode(survey.validation, survey.validationLabels()).idealBits() / tokens;
    }
    return new ValidationCost(coded.idealBits() / tokens, coded.bytes().length * 8.0 / tokens, withLabel);
  }
}

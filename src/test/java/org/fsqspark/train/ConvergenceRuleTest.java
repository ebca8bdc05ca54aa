package org.fsqspark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvergenceRuleTest {
  private static final ConvergenceRule RULE = ConvergenceRule.overTwoEpochs(0.005, 0.1);

  private static List<EpochMetrics> epochs(double[] usage, double[] psnr) {
    List<EpochMetrics> history = new ArrayList<>();
    for (int i = 0; i < usage.length; i++) {
      history.add(new EpochMetrics(i + 1, 0.01, psnr[i], usage[i], (int) (usage[i] * 1000), 1.0));
    }
    return history;
  }

  @Test
  void stopsOnceBothMetricsStayedWithinTheirBandsOverTwoEpochs() {
    double[] usage = {0.30, 0.60, 0.90, 0.981, 0.983, 0.985};
    double[] psnr = {18.0, 19.5, 20.4, 20.90, 20.95, 20.97};
    List<EpochMetrics> history = epochs(usage, psnr);
    // Epochs 4..6 moved 0.004 and 0.07 dB: settled; epochs 3..5 did not (usage moved 0.083).
    assertThat(RULE.converged(history.subList(0, 5))).isFalse();
    assertThat(RULE.converged(history)).isTrue();
  }

  @Test
  void aMetricStillMovingKeepsTrainingEvenWhenTheOtherSettled() {
    double[] usage = {0.95, 0.95, 0.95, 0.95};
    double[] psnr = {20.0, 20.3, 20.6, 20.9};
    assertThat(RULE.converged(epochs(usage, psnr))).isFalse();
    double[] rising = {0.50, 0.60, 0.70, 0.80};
    double[] flat = {21.0, 21.0, 21.0, 21.0};
    assertThat(RULE.converged(epochs(rising, flat))).isFalse();
  }

  @Test
  void aMetricThatGoesUpAndBackDownCountsAsMoving() {
    double[] usage = {0.90, 0.90, 0.95, 0.90};
    double[] psnr = {21.0, 21.0, 21.0, 21.0};
    assertThat(RULE.converged(epochs(usage, psnr))).isFalse();
  }

  @Test
  void needsThreeEpochsToJudgeTwoAndNeverStopsWhenDisabled() {
    double[] usage = {0.9, 0.9, 0.9};
    double[] psnr = {21.0, 21.0, 21.0};
    assertThat(RULE.converged(epochs(usage, psnr).subList(0, 2))).isFalse();
    assertThat(RULE.converged(epochs(usage, psnr))).isTrue();
    assertThat(ConvergenceRule.NEVER.converged(epochs(usage, psnr))).isFalse();
    assertThat(ConvergenceRule.NEVER.enabled()).isFalse();
  }

  @Test
  void aNanMetricIsNeverSettled() {
    double[] usage = {0.9, 0.9, 0.9};
    double[] psnr = {21.0, Double.NaN, 21.0};
    assertThat(RULE.converged(epochs(usage, psnr))).isFalse();
  }

  @Test
  void refusesNegativeThresholdsAndAnEmptyWindow() {
    assertThatThrownBy(() -> ConvergenceRule.overTwoEpochs(-0.1, 0.1)).hasMessageContaining("-0.1");
    assertThatThrownBy(() -> new ConvergenceRule(0.1, 0.1, 0)).hasMessageContaining("got 0");
  }
}

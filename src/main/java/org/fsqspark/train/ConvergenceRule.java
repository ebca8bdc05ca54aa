package org.fsqspark.train;

import java.util.List;
import java.util.Locale;
import org.fsqspark.error.BadInputException;

/**
 * When training has converged: over the last {@code window} epochs, validation usage moved within a band
 * narrower than {@code usage} (a share, 0.005 = half a percentage point) and validation PSNR within a band
 * narrower than {@code psnrDb}. The band is max - min over the last window + 1 validations, so a metric
 * that goes up and back down counts as moving. {@link #NEVER} trains to the epoch cap.
 */
public record ConvergenceRule(double usage, double psnrDb, int window) {
  /** Never converged: every epoch up to the cap runs. */
  public static final ConvergenceRule NEVER = new ConvergenceRule(0, 0, 2);

  public ConvergenceRule {
    if (!(usage >= 0) || !(psnrDb >= 0)) {
      throw new BadInputException("convergence thresholds must be >= 0, got usage " + usage + " and PSNR "
          + psnrDb + " dB");
    }
    if (window < 1) {
      throw new BadInputException("the convergence window must be at least 1 epoch, got " + window);
    }
  }

  /** Two epochs, as {@code --converge-usage} and {@code --converge-psnr} use. */
  public static ConvergenceRule overTwoEpochs(double usage, double psnrDb) {
    return new ConvergenceRule(usage, psnrDb, 2);
  }

  /** Whether the rule can ever stop training early. */
  public boolean enabled() {
    return usage > 0 && psnrDb > 0;
  }

  /** Whether the epochs so far (in order) have converged. */
  public boolean converged(List<EpochMetrics> history) {
    if (!enabled() || history.size() < window + 1) {
      return false;
    }
    List<EpochMetrics> last = history.subList(history.size() - window - 1, history.size());
    return band(last, true) < usage && band(last, false) < psnrDb;
  }

  /** One line for logs. */
  public String describe() {
    return enabled() ? String.format(Locale.ROOT, "stop when usage moves < %.4f and PSNR < %.3f dB over %d epochs",
        usage, psnrDb, window) : "no early stop";
  }

  private static double band(List<EpochMetrics> epochs, boolean usage) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (EpochMetrics epoch : epochs) {
      double value = usage ? epoch.usage() : epoch.psnr();
      if (Double.isNaN(value)) {
        return Double.POSITIVE_INFINITY;
      }
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    return max - min;
  }
}

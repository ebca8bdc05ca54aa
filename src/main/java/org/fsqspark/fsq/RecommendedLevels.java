package org.fsqspark.fsq;

import java.util.Map;
import java.util.TreeMap;
import org.fsqspark.error.BadInputException;

/**
 * Suggested levels for a target codebook size: the FSQ paper's published sets where one exists (Table 1
 * and the appendix), otherwise the closest product of 5..8 levels per channel, the paper's heuristic
 * (up to 16 levels when 5..8 cannot get within 10% of the target).
 */
public final class RecommendedLevels {
  private static final int MIN_SEARCHED_LEVEL = Levels.RECOMMENDED_MIN_LEVEL;
  private static final int MAX_SEARCHED_LEVEL = 8;
  /** Wider channels are only tried when 5..8 cannot get within this relative distance of the target. */
  private static final double ACCEPTABLE_ERROR = 0.10;
  private static final int MAX_WIDE_LEVEL = 16;
  private static final int MAX_SEARCHED_CHANNELS = 11;

  private static final Map<Integer, Levels> PAPER = new TreeMap<>(Map.of(
      1 << 4, Levels.of(5, 3),
      1 << 6, Levels.of(8, 8),
      1 << 8, Levels.of(8, 6, 5),
      1 << 9, Levels.of(8, 8, 8),
      1 << 10, Levels.of(8, 5, 5, 5),
      1 << 11, Levels.of(8, 8, 6, 5),
      1 << 12, Levels.of(7, 5, 5, 5, 5),
      1 << 14, Levels.of(8, 8, 8, 6, 5),
      1 << 16, Levels.of(8, 8, 8, 5, 5, 5)));

  /** A suggestion and where it came from. */
  public record Suggestion(int target, Levels levels, boolean fromPaper) {
    /** Relative difference of the suggested |C| from the target, e.g. 0.024 for 2.4% more codes. */
    public double relativeError() {
      return (double) levels.codebookSize() / target - 1;
    }
  }

  private RecommendedLevels() {}

  /** The published level sets, keyed by codebook size. */
  public static Map<Integer, Levels> paperTable() {
    return java.util.Collections.unmodifiableMap(PAPER);
  }

  /** Levels whose codebook size is the target or as close to it as the heuristic allows. */
  public static Suggestion forCodebookSize(long target) {
    if (target < 2 || target > Integer.MAX_VALUE) {
      throw new BadInputException(
          "Codebook size " + target + " is out of range: expected 2.." + Integer.MAX_VALUE);
    }
    int size = (int) target;
    Levels published = PAPER.get(size);
    if (published != null) {
      return new Suggestion(size, published, true);
    }
    if (size < MIN_SEARCHED_LEVEL * MIN_SEARCHED_LEVEL) {
      return new Suggestion(size, Levels.of(size), false);
    }
    Suggestion preferred = new Suggestion(size, Levels.of(search(size, MAX_SEARCHED_LEVEL)), false);
    if (Math.abs(preferred.relativeError()) <= ACCEPTABLE_ERROR) {
      return preferred;
    }
    Suggestion wide = new Suggestion(size, Levels.of(search(size, MAX_WIDE_LEVEL)), false);
    return Math.abs(wide.relativeError()) < Math.abs(preferred.relativeError()) ? wide : preferred;
  }

  /** Closest product in log space; ties go to fewer channels, then to more even levels. */
  private static int[] search(int target, int maxLevel) {
    SearchState state = new SearchState(Math.log(target));
    for (int channels = 1; channels <= MAX_SEARCHED_CHANNELS; channels++) {
      state.visit(new int[channels], 0, maxLevel, 1L);
    }
    return state.best;
  }

  private static final class SearchState {
    private final double logTarget;
    private int[] best;
    private double bestDistance = Double.MAX_VALUE;
    private int bestSpread = Integer.MAX_VALUE;

    SearchState(double logTarget) {
      this.logTarget = logTarget;
    }

    /** Visits non-increasing sequences, the paper's order (largest level on channel 0). */
    void visit(int[] current, int position, int maxLevel, long product) {
      if (position == current.length) {
        if (product > Integer.MAX_VALUE) {
          return;
        }
        double distance = Math.abs(Math.log(product) - logTarget);
        int spread = current[0] - current[current.length - 1];
        boolean better = distance < bestDistance - 1e-12
            || (Math.abs(distance - bestDistance) <= 1e-12
                && (current.length < best.length || (current.length == best.length && spread < bestSpread)));
        if (better) {
          best = current.clone();
          bestDistance = distance;
          bestSpread = spread;
        }
        return;
      }
      for (int level = maxLevel; level >= MIN_SEARCHED_LEVEL; level--) {
        current[position] = level;
        visit(current, position + 1, level, product * level);
      }
    }
  }
}

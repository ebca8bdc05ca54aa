package org.fsqspark.stats;

import java.util.HashMap;
import java.util.Map;
import org.fsqspark.fsq.Levels;

/**
 * The FSQ-aware spatial model: a token is coded digit by digit, channel 0 first, and channel c's digit is
 * predicted from the same channel's digits at the left, upper and upper-left neighbours and from the digits
 * of channels 0..c-1 already coded in this token. Each context keeps adaptive counts (start 1, step 24,
 * halved above 2^16). Token grids are coded in raster order; neighbours outside the grid count as a value
 * of their own. The model keeps learning across the grids of one stream.
 */
public final class ContextModel {
  /**
   * Widest channel the model codes: FSQ channels have a handful of levels. A VQ index has no digits, and
   * contexts of three neighbouring indices out of thousands would be too sparse to learn and too big to hold.
   */
  public static final int MAX_LEVELS_PER_CHANNEL = 16;
  private static final int STEP = 24;
  private static final int LIMIT = 1 << 16;

  private final Levels levels;
  private final int channels;
  private final Map<Long, Frequencies>[] contexts;

  /** Why these levels cannot be coded with this model, or null when they can. */
  public static String unsupportedReason(Levels levels) {
    for (int c = 0; c < levels.channels(); c++) {
      if (levels.get(c) > MAX_LEVELS_PER_CHANNEL) {
        return levels.channels() == 1
            ? "codes FSQ digits of at most " + MAX_LEVELS_PER_CHANNEL + " levels; a single index of "
                + levels.get(c) + " codes (e.g. VQ) has none"
            : "codes channels of at most " + MAX_LEVELS_PER_CHANNEL + " levels; channel " + c + " has "
                + levels.get(c);
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  public ContextModel(Levels levels) {
    String unsupported = unsupportedReason(levels);
    if (unsupported != null) {
      throw new IllegalArgumentException("The context model " + unsupported);
    }
    this.levels = levels;
    this.channels = levels.channels();
    this.contexts = new Map[channels];
    for (int c = 0; c < channels; c++) {
      contexts[c] = new HashMap<>();
    }
  }

  /** Codes a grid's tokens. */
  public void encode(RangeEncoder encoder, TokenGrid grid) {
    code(grid.height(), grid.width(), grid.tokens(), encoder, null);
  }

  /** Decodes a grid of the given shape. */
  public int[] decode(RangeDecoder decoder, int height, int width) {
    int[] tokens = new int[height * width];
    code(height, width, tokens, null, decoder);
    return tokens;
  }

  private void code(int height, int width, int[] tokens, RangeEncoder encoder, RangeDecoder decoder) {
    int[] above = new int[width * channels];
    int[] current = new int[width * channels];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int token = 0;
        for (int c = 0; c < channels; c++) {
          int l = levels.get(c);
          int left = x > 0 ? current[(x - 1) * channels + c] : l;
          int up = y > 0 ? above[x * channels + c] : l;
          int upLeft = x > 0 && y > 0 ? above[(x - 1) * channels + c] : l;
          long neighbourhood = ((long) left * (l + 1) + up) * (l + 1) + upLeft;
          long key = neighbourhood * levels.basis(c) + token % levels.basis(c);
          Frequencies model = contexts[c].computeIfAbsent(key, k -> new Frequencies(l));
          int digit;
          if (encoder != null) {
            digit = levels.digitOf(tokens[y * width + x], c);
            model.encode(encoder, digit);
          } else {
            digit = model.decode(decoder);
          }
          current[x * channels + c] = digit;
          token += digit * levels.basis(c);
        }
        if (decoder != null) {
          tokens[y * width + x] = token;
        }
      }
      int[] swap = above;
      above = current;
      current = swap;
    }
  }

  /** Contexts seen so far, over all channels. */
  public int contextCount() {
    int count = 0;
    for (Map<Long, Frequencies> map : contexts) {
      count += map.size();
    }
    return count;
  }

  /** Adaptive counts over one channel's few levels; a linear scan beats a tree at this size. */
  private static final class Frequencies implements SymbolModel {
    private final int[] counts;
    private int total;

    Frequencies(int size) {
      counts = new int[size];
      java.util.Arrays.fill(counts, 1);
      total = size;
    }

    @Override
    public int total() {
      return total;
    }

    @Override
    public int cumulative(int symbol) {
      int sum = 0;
      for (int s = 0; s < symbol; s++) {
        sum += counts[s];
      }
      return sum;
    }

    @Override
    public int frequency(int symbol) {
      return counts[symbol];
    }

    @Override
    public int symbolAt(int target) {
      int sum = 0;
      for (int s = 0; s < counts.length; s++) {
        sum += counts[s];
        if (target < sum) {
          return s;
        }
      }
      return counts.length - 1;
    }

    @Override
    public void update(int symbol) {
      counts[symbol] += STEP;
      total += STEP;
      if (total > LIMIT) {
        total = 0;
        for (int s = 0; s < counts.length; s++) {
          counts[s] = (counts[s] + 1) / 2;
          total += counts[s];
        }
      }
    }
  }
}

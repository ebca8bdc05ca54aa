package org.fsqspark.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.fsqspark.fsq.Levels;
import org.junit.jupiter.api.Test;

/**
 * The streams {@link StreamCoder} measures, decoded by a path that shares nothing with the coder's own models:
 * the FSQ-aware context model written again here from its description (contexts of the left, upper and upper-left
 * digits of the same channel and the digits of the earlier channels of the token; counts start at 1, grow by 24
 * and are halved above 2^16), and the unigram stream decoded with a model rebuilt from the transmitted header.
 * Only the range decoder is shared (RangeCoderTest checks it). A coder that only agreed with itself would fail.
 */
class IndependentDecodeTest {
  private static final int STEP = 24;
  private static final int LIMIT = 1 << 16;

  @Test
  void theContextStreamDecodesWithAnIndependentModel() {
    for (Levels levels : List.of(Levels.of(8, 5, 5, 5), Levels.of(8, 8, 8, 5, 5, 5), Levels.of(7, 5, 5, 5, 5),
        Levels.of(3, 16))) {
      List<TokenGrid> grids = grids(levels, new Random(levels.codebookSize()));
      StreamCoder coder = new StreamCoder(levels, UnigramCode.of(histogram(grids, levels)), false);
      byte[] coded = coder.contextStream(grids);
      assertThat(coder.code(grids).bytes().get(CostModel.CONTEXT)).as("the measured stream")
          .isEqualTo((long) coded.length);
      RangeDecoder decoder = new RangeDecoder(coded);
      Map<String, int[]> contexts = new HashMap<>();
      for (TokenGrid grid : grids) {
        assertThat(decodeGrid(decoder, contexts, levels, grid.height(), grid.width())).as("%s", levels)
            .containsExactly(grid.tokens());
      }
    }
  }

  @Test
  void theUnigramStreamDecodesWithTheModelItsHeaderDescribes() {
    Levels levels = Levels.of(8, 5, 5, 5);
    List<TokenGrid> grids = grids(levels, new Random(9));
    UnigramCode code = UnigramCode.of(histogram(grids, levels));
    StreamCoder coder = new StreamCoder(levels, code, false);
    byte[] coded = coder.unigramStream(grids);
    assertThat(coder.code(grids).bytes().get(CostModel.UNIGRAM)).isEqualTo((long) coded.length);
    UnigramCode received = UnigramCode.fromHeader(code.header());
    RangeDecoder decoder = new RangeDecoder(coded);
    for (TokenGrid grid : grids) {
      for (int token : grid.tokens()) {
        assertThat(received.decode(decoder)).isEqualTo(token);
      }
    }
  }

  /** One grid in raster order, each token digit by digit, channel 0 first. */
  private static int[] decodeGrid(RangeDecoder decoder, Map<String, int[]> contexts, Levels levels, int height,
      int width) {
    int d = levels.channels();
    int[][][] digits = new int[height][width][d];
    int[] tokens = new int[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        StringBuilder earlier = new StringBuilder();
        for (int c = 0; c < d; c++) {
          int outside = levels.get(c);
          String key = c + "|" + (x > 0 ? digits[y][x - 1][c] : outside) + "," + (y > 0 ? digits[y - 1][x][c] : outside)
              + "," + (x > 0 && y > 0 ? digits[y - 1][x - 1][c] : outside) + "|" + earlier;
          int[] counts = contexts.computeIfAbsent(key, k -> ones(outside));
          digits[y][x][c] = decodeSymbol(decoder, counts);
          earlier.append(digits[y][x][c]).append(',');
        }
        tokens[y * width + x] = levels.indexOf(digits[y][x]);
      }
    }
    return tokens;
  }

  private static int decodeSymbol(RangeDecoder decoder, int[] counts) {
    int total = 0;
    for (int count : counts) {
      total += count;
    }
    int target = decoder.decodeFrequency(total);
    int symbol = 0;
    int below = 0;
    while (below + counts[symbol] <= target) {
      below += counts[symbol];
      symbol++;
    }
    decoder.consume(below, counts[symbol]);
    counts[symbol] += STEP;
    if (total + STEP > LIMIT) {
      for (int s = 0; s < counts.length; s++) {
        counts[s] = (counts[s] + 1) / 2;
      }
    }
    return symbol;
  }

  private static int[] ones(int size) {
    int[] counts = new int[size];
    java.util.Arrays.fill(counts, 1);
    return counts;
  }

  /** Grids of several shapes, smooth (neighbours share digits) and random, enough to halve busy contexts. */
  private static List<TokenGrid> grids(Levels levels, Random random) {
    List<TokenGrid> grids = new ArrayList<>();
    int[] digits = new int[levels.channels()];
    for (int g = 0; g < 300; g++) {
      int h = 1 + random.nextInt(9);
      int w = 1 + random.nextInt(9);
      int[] tokens = new int[h * w];
      int base = random.nextInt(levels.codebookSize());
      for (int i = 0; i < tokens.length; i++) {
        levels.digitsOf(base, digits);
        if (g % 4 == 0 || random.nextInt(4) == 0) {
          int c = random.nextInt(levels.channels());
          digits[c] = random.nextInt(levels.get(c));
        }
        tokens[i] = levels.indexOf(digits);
        base = tokens[i];
      }
      grids.add(new TokenGrid(tokens, h, w));
    }
    return grids;
  }

  private static CodebookHistogram histogram(List<TokenGrid> grids, Levels levels) {
    CodebookHistogram histogram = new CodebookHistogram(levels.codebookSize());
    grids.forEach(grid -> histogram.addAll(grid.tokens()));
    return histogram;
  }
}

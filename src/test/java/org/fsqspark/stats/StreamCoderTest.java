package org.fsqspark.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fsqspark.fsq.Levels;
import org.junit.jupiter.api.Test;

class StreamCoderTest {
  private static final Levels LEVELS = Levels.of(8, 5, 5, 5);

  @Test
  void everyModelRoundTripsAndReportsRealBytes() {
    List<TokenGrid> grids = smoothGrids(new Random(4), 200, 7, 7);
    CodebookHistogram histogram = histogramOf(grids);
    CompressionCost cost = new StreamCoder(LEVELS, UnigramCode.of(histogram), true).code(grids);
    assertThat(cost.tokens()).isEqualTo(200 * 49);
    assertThat(cost.verifiedTokens()).isEqualTo(200 * 49);
    assertThat(cost.bytes()).containsKeys(CostModel.UNIGRAM, CostModel.ADAPTIVE_IMAGE, CostModel.ADAPTIVE_STREAM,
        CostModel.CONTEXT, CostModel.ZSTD, CostModel.XZ);
    assertThat(StreamCoder.fixedBytes(LEVELS, 200 * 49) * 8.0 / (200 * 49)).isEqualTo(10.0);
    double entropy = histogram.entropyBits();
    assertThat(cost.bitsPerToken(CostModel.UNIGRAM)).isBetween(entropy - 0.01, entropy + 0.02);
    assertThat(cost.bitsPerToken(CostModel.CONTEXT)).as("smooth grids are predictable from neighbours")
        .isLessThan(cost.bitsPerToken(CostModel.UNIGRAM));
    assertThat(cost.bitsPerToken(CostModel.ADAPTIVE_STREAM)).isBetween(entropy - 0.01, 10.5);
    assertThat(cost.bitsPerToken(CostModel.ADAPTIVE_IMAGE)).isPositive();
  }

  @Test
  void contextModelRoundTripsOnRandomAndConstantGrids() {
    Levels levels = Levels.of(8, 8, 8, 5, 5, 5);
    Random random = new Random(5);
    List<TokenGrid> grids = new ArrayList<>();
    for (int g = 0; g < 30; g++) {
      int h = 1 + random.nextInt(12);
      int w = 1 + random.nextInt(12);
      int[] tokens = new int[h * w];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = g % 3 == 0 ? 63999 : random.nextInt(levels.codebookSize());
      }
      grids.add(new TokenGrid(tokens, h, w));
    }
    CompressionCost cost = new StreamCoder(levels, UnigramCode.of(histogramOf(grids, levels)), true).code(grids);
    assertThat(cost.verifiedTokens()).isEqualTo(cost.tokens());
  }

  @Test
  void aVqIndexIsNotCodedAsDigitsButEverythingElseStillIs() {
    Levels vq = Levels.of(16384);
    Random random = new Random(6);
    List<TokenGrid> grids = new ArrayList<>();
    for (int g = 0; g < 200; g++) {
      int[] tokens = new int[49];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = random.nextInt(vq.codebookSize());
      }
      grids.add(new TokenGrid(tokens, 7, 7));
    }
    CompressionCost cost = new StreamCoder(vq, UnigramCode.of(histogramOf(grids, vq)), true).code(grids);
    assertThat(cost.skipped()).containsOnlyKeys(CostModel.CONTEXT);
    assertThat(cost.skipped().get(CostModel.CONTEXT)).contains("16384");
    assertThat(cost.bytes()).containsKeys(CostModel.UNIGRAM, CostModel.ADAPTIVE_STREAM, CostModel.XZ);
    assertThat(cost.verifiedTokens()).isEqualTo(200 * 49);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ContextModel(vq))
        .hasMessageContaining("at most " + ContextModel.MAX_LEVELS_PER_CHANNEL);
  }

  @Test
  void unigramHeaderRoundTrips() {
    CodebookHistogram histogram = new CodebookHistogram(1 << 22);
    histogram.addAll(new int[] {0, 5, 5, 4_000_000, (1 << 22) - 1, 123_456, 123_456, 123_456});
    UnigramCode code = UnigramCode.of(histogram);
    assertThat(UnigramCode.fromHeader(code.header())).isEqualTo(code);
    assertThat(histogram.isDense()).isFalse();
    assertThat(histogram.usedCodes()).isEqualTo(5);
  }

  static CodebookHistogram histogramOf(List<TokenGrid> grids) {
    return histogramOf(grids, LEVELS);
  }

  static CodebookHistogram histogramOf(List<TokenGrid> grids, Levels levels) {
    CodebookHistogram histogram = new CodebookHistogram(levels.codebookSize());
    grids.forEach(g -> histogram.addAll(g.tokens()));
    return histogram;
  }

  /** Grids whose neighbouring tokens share most digits, like real images' latents. */
  static List<TokenGrid> smoothGrids(Random random, int count, int h, int w) {
    List<TokenGrid> grids = new ArrayList<>();
    int[] digits = new int[4];
    for (int g = 0; g < count; g++) {
      int[] tokens = new int[h * w];
      int base = random.nextInt(LEVELS.codebookSize());
      for (int i = 0; i < tokens.length; i++) {
        LEVELS.digitsOf(base, digits);
        if (random.nextInt(4) == 0) {
          int c = random.nextInt(4);
          digits[c] = Math.max(0, Math.min(LEVELS.get(c) - 1, digits[c] + random.nextInt(3) - 1));
        }
        tokens[i] = LEVELS.indexOf(digits);
        base = tokens[i];
      }
      grids.add(new TokenGrid(tokens, h, w));
    }
    return grids;
  }
}

package org.fsqspark.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CodebookHistogramTest {
  @Test
  void handComputedFigures() {
    CodebookHistogram histogram = new CodebookHistogram(8);
    histogram.addAll(new int[] {0, 0, 1, 2});
    // p = (1/2, 1/4, 1/4): H = 1.5 bits, perplexity 2^1.5, 3 of 8 codes used.
    assertThat(histogram.total()).isEqualTo(4);
    assertThat(histogram.usedCodes()).isEqualTo(3);
    assertThat(histogram.usage()).isEqualTo(3 / 8.0);
    assertThat(histogram.entropyBits()).isCloseTo(1.5, offset(1e-12));
    assertThat(histogram.perplexity()).isCloseTo(Math.pow(2, 1.5), offset(1e-12));
  }

  @Test
  void uniformAndSingleSymbolExtremes() {
    CodebookHistogram uniform = new CodebookHistogram(1000);
    for (int i = 0; i < 1000; i++) {
      uniform.add(i);
    }
    assertThat(uniform.entropyBits()).isCloseTo(Math.log(1000) / Math.log(2), offset(1e-9));
    assertThat(uniform.perplexity()).isCloseTo(1000, offset(1e-6));
    CodebookHistogram single = new CodebookHistogram(1000);
    single.addAll(new int[] {7, 7, 7});
    assertThat(single.entropyBits()).isZero();
    assertThat(single.perplexity()).isEqualTo(1);
    assertThat(new CodebookHistogram(4).entropyBits()).isZero();
  }

  @Test
  void mergingPartsEqualsCountingTheWhole() {
    Random random = new Random(5);
    CodebookHistogram whole = new CodebookHistogram(64);
    CodebookHistogram a = new CodebookHistogram(64);
    CodebookHistogram b = new CodebookHistogram(64);
    long[] naive = new long[64];
    for (int i = 0; i < 10_000; i++) {
      int token = Math.min(63, (int) Math.abs(random.nextGaussian() * 12));
      whole.add(token);
      (i % 3 == 0 ? a : b).add(token);
      naive[token]++;
    }
    assertThat(a.merge(b).counts()).containsExactly(whole.counts()).containsExactly(naive);
  }

  @Test
  void outOfRangeTokensAndMismatchedMergesFail() {
    CodebookHistogram histogram = new CodebookHistogram(10);
    assertThatThrownBy(() -> histogram.add(10)).hasMessageContaining("Token 10 is outside the codebook 0..9");
    assertThatThrownBy(() -> histogram.add(-1)).hasMessageContaining("-1");
    assertThatThrownBy(() -> histogram.merge(new CodebookHistogram(11))).hasMessageContaining("10 and 11");
  }

  @Test
  void sparseHistogramsOfHugeCodebooksEqualANaiveCount() {
    int size = 1 << 28;
    CodebookHistogram sparse = new CodebookHistogram(size);
    assertThat(sparse.isDense()).isFalse();
    java.util.Map<Integer, Long> naive = new java.util.TreeMap<>();
    Random random = new Random(9);
    CodebookHistogram other = new CodebookHistogram(size);
    for (int i = 0; i < 200_000; i++) {
      int token = random.nextInt(3) == 0 ? random.nextInt(size) : random.nextInt(500) * 7919;
      (i % 2 == 0 ? sparse : other).add(token);
      naive.merge(token, 1L, Long::sum);
    }
    sparse.merge(other);
    java.util.Map<Integer, Long> counted = new java.util.TreeMap<>();
    sparse.forEachNonZero(counted::put);
    assertThat(counted).isEqualTo(naive);
    assertThat(sparse.usedCodes()).isEqualTo(naive.size());
    assertThat(sparse.total()).isEqualTo(200_000);
  }

  @Test
  void channelStatisticsByHand() {
    org.fsqspark.fsq.Levels levels = org.fsqspark.fsq.Levels.of(3, 3);
    CodebookHistogram histogram = new CodebookHistogram(9);
    histogram.addAll(new int[] {0, 4, 8});
    // Digits (0,0), (1,1), (2,2): each channel uniform over 3 levels, the token as well, so the two channels
    // together carry log2(3) bits twice while the token carries it once: redundancy log2(3).
    ChannelStatistics channels = ChannelStatistics.of(histogram, levels);
    double log3 = Math.log(3) / Math.log(2);
    assertThat(channels.channels()).hasSize(2);
    assertThat(channels.channels().get(0).counts()).containsExactly(1, 1, 1);
    assertThat(channels.channels().get(1).entropyBits()).isCloseTo(log3, offset(1e-12));
    assertThat(channels.redundancyBits()).isCloseTo(log3, offset(1e-12));
    CodebookHistogram independent = new CodebookHistogram(9);
    independent.addAll(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8});
    assertThat(ChannelStatistics.of(independent, levels).redundancyBits()).isCloseTo(0, offset(1e-12));
  }
}

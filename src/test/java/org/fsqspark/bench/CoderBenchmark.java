package org.fsqspark.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.fsqspark.stats.AdaptiveModel;
import org.fsqspark.stats.CodebookHistogram;
import org.fsqspark.stats.RangeEncoder;
import org.fsqspark.stats.UnigramCode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The range coder on 1000-code token streams, one thread: tokens per second (adaptive target >= 20 M). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CoderBenchmark {
  static final int TOKENS = 1 << 18;

  private int[] tokens;
  private UnigramCode unigram;

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(2);
    tokens = new int[TOKENS];
    CodebookHistogram histogram = new CodebookHistogram(1000);
    for (int i = 0; i < TOKENS; i++) {
      tokens[i] = Math.min(999, (int) (Math.log(1 - random.nextDouble()) / Math.log(1 - 0.01)));
      histogram.add(tokens[i]);
    }
    unigram = UnigramCode.of(histogram);
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public byte[] adaptiveOrder0() {
    AdaptiveModel model = new AdaptiveModel(1000);
    RangeEncoder encoder = new RangeEncoder();
    for (int token : tokens) {
      model.encode(encoder, token);
    }
    return encoder.finish();
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public byte[] staticUnigram() {
    RangeEncoder encoder = new RangeEncoder();
    for (int token : tokens) {
      unigram.encode(encoder, token);
    }
    return encoder.finish();
  }
}

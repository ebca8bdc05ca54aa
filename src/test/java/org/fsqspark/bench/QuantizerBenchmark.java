package org.fsqspark.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.FiniteScalarQuantizer;
import org.fsqspark.fsq.Levels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * FSQ quantize + index of float latents, one thread. One operation is one latent vector of d scalars, so
 * scalars per second = score x d (target >= 100 M per core); scripts/bench does the multiplication.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QuantizerBenchmark {
  static final int VECTORS = 1 << 16;

  @Param({"8,5,5,5", "8,8,8,5,5,5"})
  public String levels;

  private FiniteScalarQuantizer quantizer;
  private float[] latents;
  private double[] wide;
  private int[] indices;

  @Setup(Level.Trial)
  public void setUp() {
    Levels parsed = Levels.parse(levels);
    quantizer = new FiniteScalarQuantizer(parsed, Bound.ATANH);
    latents = new float[VECTORS * parsed.channels()];
    wide = new double[latents.length];
    Random random = new Random(1);
    for (int i = 0; i < latents.length; i++) {
      latents[i] = (float) (random.nextGaussian() * 1.5);
      wide[i] = latents[i];
    }
    indices = new int[VECTORS];
  }

  /** The float path (thresholds). */
  @Benchmark
  @OperationsPerInvocation(VECTORS)
  public int[] floatLatents() {
    quantizer.indices(latents, VECTORS, indices);
    return indices;
  }

  /** The float64 formula the thresholds come from (tanh per scalar), for comparison. */
  @Benchmark
  @OperationsPerInvocation(VECTORS)
  public int doubleLatents() {
    int sum = 0;
    int d = quantizer.levels().channels();
    for (int v = 0; v < VECTORS; v++) {
      for (int c = 0; c < d; c++) {
        sum += quantizer.rule(c).formulaDigit(wide[v * d + c], c) * quantizer.levels().basis(c);
      }
    }
    return sum;
  }
}

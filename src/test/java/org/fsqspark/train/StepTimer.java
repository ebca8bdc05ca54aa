package org.fsqspark.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;

/**
 * Times the trainer's own step ({@link TrainingSession#step}) on 1x28x28 batches: the Java side of the comparison
 * with scripts/train-peer.py (same network, batch and thread count). Not a test; run it with the test classpath:
 *
 * <pre>java -cp target/classes:target/test-classes:$(cat target/test-classpath.txt) \
 *   org.fsqspark.train.StepTimer THREADS [BATCH [STEPS]]</pre>
 *
 * Prints the first steps' losses (the same seed gives the same losses before and after a change), and over the steps
 * after a warm-up of 10 the wall and process CPU time per step and batches/s. On a shared machine the CPU time is
 * the steadier figure.
 */
public final class StepTimer {
  private StepTimer() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
    SplittableRandom random = new SplittableRandom(1);
    float[][] batches = new float[8][batch * 784];
    for (float[] pixels : batches) {
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) random.nextDouble();
      }
    }
    TrainingImages images = new TrainingImages() {
      @Override public int count() {
        return batch;
      }
      @Override public int channels() {
        return 1;
      }
      @Override public int height() {
        return 28;
      }
      @Override public int width() {
        return 28;
      }
      @Override public void write(int index, float[] out, int offset) {
        System.arraycopy(batches[0], index * 784, out, offset, 784);
      }
    };
    Path output = Files.createTempDirectory("step-timer");
    TrainConfig config = new TrainConfig("fsq", Levels.of(8, 5, 5, 5), Bound.ATANH, 0, 0.25f, List.of(32, 64), 1,
        batch, 0.002f, 1, 0, 0, "timer", output, false);
    try (TrainingSession session = TrainingSession.open(config, images)) {
      double[] losses = new double[10];
      for (int step = 0; step < 10; step++) {
        losses[step] = session.step(batches[step % batches.length]).loss();
      }
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpuStart = os.getProcessCpuTime();
      long start = System.nanoTime();
      for (int step = 0; step < steps; step++) {
        session.step(batches[step % batches.length]);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
      System.out.printf(Locale.ROOT, "losses of the first steps: %.6f %.6f ... %.6f%n", losses[0], losses[1], losses[9]);
      System.out.printf(Locale.ROOT, "java %d threads, batch %d: %.2f ms/step, %.2f CPU ms/step (process, all threads)"
          + "%nbatches_per_s: %.3f%n", JniUtils.getNumThreads(), batch, 1000 * seconds / steps,
          1000 * cpuSeconds / steps, steps / seconds);
    }
  }
}

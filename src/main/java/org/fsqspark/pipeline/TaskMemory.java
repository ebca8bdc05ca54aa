package org.fsqspark.pipeline;

import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;

/**
 * Whether one task's pixel buffers at the model's input size fit in an executor's heap, checked on the driver
 * before anything is written. Without it an absurd {@code input_size} ends in an OutOfMemoryError that takes
 * the whole SparkContext down (exit 52), long after the output was created.
 *
 * <p>The estimate counts float32 pixel buffers only; the engine's activations live in native memory and are
 * not counted. A task may use half of its share of the executor heap; the rest is Spark's and the decoders'.
 */
public final class TaskMemory {
  private static final long LARGEST_ARRAY = Integer.MAX_VALUE - 8;

  /** Memory and concurrency of one executor. */
  public record Executor(long heapBytes, int concurrentTasks, String description) {}

  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:\\s*,\\s*\\d+)?\\])?");
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\]");

  private TaskMemory() {}

  /**
   * Heap and concurrent tasks of one executor, from Spark's master URL and, on a cluster, the executor settings
   * ({@code spark.executor.memory} and {@code spark.executor.cores}, asked for only there).
   */
  public static Executor executor(String master, int taskCpusSetting, LongSupplier executorMemory,
      IntSupplier executorCores) {
    int taskCpus = Math.max(1, taskCpusSetting);
    String url = master.trim();
    Matcher local = LOCAL.matcher(url);
    if (local.matches()) {
      // Local mode: the executor is this JVM, whatever spark.executor.memory says.
      int cores = local.group(1) == null ? 1 : "*".equals(local.group(1))
          ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(local.group(1));
      int tasks = Math.max(1, cores / taskCpus);
      return new Executor(Runtime.getRuntime().maxMemory(), tasks, tasks + " concurrent task(s) in this JVM, " + url);
    }
    Matcher cluster = LOCAL_CLUSTER.matcher(url);
    long heap;
    int cores;
    if (cluster.matches()) {
      cores = Integer.parseInt(cluster.group(1));
      heap = Long.parseLong(cluster.group(2)) << 20;
    } else {
      heap = executorMemory.getAsLong();
      cores = executorCores.getAsInt();
    }
    int tasks = Math.max(1, cores / taskCpus);
    return new Executor(heap, tasks, tasks + " concurrent task(s) per executor");
  }

  /**
   * Throws when the buffers one task holds at once, {@code imagesPerTask} images of the model's input size
   * for a batch size, do not fit in half of a task's share of the executor heap, or when one batch would not
   * fit in a Java array.
   *
   * @param held what the buffers are, for the message
   */
  public static void check(Executor executor, TokenizerManifest manifest, int batchSize,
      LongUnaryOperator imagesPerTask, String held) {
    long perImage = (long) manifest.channels() * manifest.inputHeight() * manifest.inputWidth();
    String size = "input_size " + manifest.inputHeight() + "x" + manifest.inputWidth() + " (" + manifest.channels()
        + " channel" + (manifest.channels() == 1 ? "" : "s") + ") of model " + manifest.name();
    if (perImage > LARGEST_ARRAY) {
      throw new BadInputException("The " + size + " is " + perImage + " values per image, more than the "
          + LARGEST_ARRAY + " a Java array holds; use a model with a smaller input_size");
    }
    if (perImage * batchSize > LARGEST_ARRAY) {
      throw new BadInputException("--batch-size " + batchSize + " images of the " + size + " are "
          + perImage * batchSize + " values, more than the " + LARGEST_ARRAY + " a Java array holds; use --batch-size "
          + LARGEST_ARRAY / perImage + " or less");
    }
    long budget = executor.heapBytes() / 2 / executor.concurrentTasks();
    long bytesPerImage = perImage * Float.BYTES;
    long needed = imagesPerTask.applyAsLong(batchSize) * bytesPerImage;
    if (needed <= budget) {
      return;
    }
    // The largest batch size below this one that fits; 0 when none does (the need grows with the batch).
    int largestBatch = 0;
    int high = batchSize - 1;
    while (largestBatch < high) {
      int middle = (largestBatch + high + 1) >>> 1;
      if (imagesPerTask.applyAsLong(middle) * bytesPerImage <= budget) {
        largestBatch = middle;
      } else {
        high = middle - 1;
      }
    }
    throw new BadInputException(String.format(Locale.ROOT, "The %s needs about %s of pixel buffers per task"
            + " at --batch-size %d (%s, float32), more than the %s a task may use (half of %s, %s); %s", size,
        bytes(needed), batchSize, held, bytes(budget), bytes(executor.heapBytes()), executor.description(),
        largestBatch >= 1 ? "use --batch-size " + largestBatch + (largestBatch > 1 ? " or less" : "")
            + ", or give executors more memory"
            : "even --batch-size 1 does not fit: give executors more memory (spark.executor.memory; FSQ_DRIVER_MEMORY"
                + " for jobs/fsq in local mode) or use a model with a smaller input_size"));
  }

  private static String bytes(long count) {
    if (count >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", count / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%d MiB", count >> 20);
  }
}

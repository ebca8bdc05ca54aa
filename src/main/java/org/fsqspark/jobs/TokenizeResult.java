package org.fsqspark.jobs;

/**
 * What a tokenize run did.
 *
 * @param modelLoads models loaded by executor JVMs during the run (one per JVM and device is the design)
 * @param executorJvms distinct JVMs that ran tokenize tasks
 * @param tasks tasks that ran (partitions, plus retries)
 */
public record TokenizeResult(
    String output,
    long inputs,
    long tokenized,
    long rejected,
    long tokens,
    double seconds,
    long modelLoads,
    int executorJvms,
    long tasks) {

  public double imagesPerSecond() {
    return seconds > 0 ? (tokenized + rejected) / seconds : 0;
  }
}

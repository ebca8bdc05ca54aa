package org.fsqspark.pipeline;

import org.fsqspark.error.BadInputException;

/**
 * A stats run.
 *
 * @param input a token table written by tokenize (or any table with its columns)
 * @param compare a second token table to put side by side, or null
 * @param output the folder for stats.json, histogram.parquet and report.html
 * @param levels levels to use when a table carries no manifest; null to require one
 * @param compression whether to measure the compression cost with the entropy coders
 * @param verifyFraction share of partitions whose coded streams are decoded and compared (1 = all)
 * @param overwrite replace an earlier stats output in {@code output} (only the files stats writes)
 * @param prior a prior folder (fsq prior train) to add the masked-transformer model with, or null
 * @param priorSteps S of the M2T schedule the prior codes with
 * @param priorDevice where executors run the prior: auto, cpu, gpu or gpu:N
 * @param variant the one augmentation variant to measure ({@code --variant}), or null for every row
 */
public record StatsConfig(String input, String compare, String output, String levels, boolean compression,
    double verifyFraction, boolean overwrite, String prior, int priorSteps, String priorDevice, String variant) {
  public StatsConfig {
    if (input == null || input.isBlank()) {
      throw new BadInputException("--input is required: a token table written by fsq tokenize");
    }
    if (output == null || output.isBlank()) {
      throw new BadInputException("--output is required: the folder for stats.json and report.html");
    }
    if (!(verifyFraction >= 0 && verifyFraction <= 1)) {
      throw new BadInputException("--verify must be between 0 and 1, got " + verifyFraction);
    }
    if (prior != null && compare != null) {
      throw new IllegalArgumentException("--prior codes one table; drop --compare or run stats once per table");
    }
    if (prior != null && !compression) {
      throw new IllegalArgumentException("--prior measures a compression cost; drop --no-compression");
    }
    if (priorSteps < 1) {
      throw new IllegalArgumentException("--prior-steps must be at least 1, got " + priorSteps);
    }
  }

  /** A run over every row, whatever its variant. */
  public StatsConfig(String input, String compare, String output, String levels, boolean compression,
      double verifyFraction, boolean overwrite, String prior, int priorSteps, String priorDevice) {
    this(input, compare, output, levels, compression, verifyFraction, overwrite, prior, priorSteps, priorDevice, null);
  }

  /** A run without a prior that refuses an output folder holding an earlier stats run. */
  public StatsConfig(String input, String compare, String output, String levels, boolean compression,
      double verifyFraction) {
    this(input, compare, output, levels, compression, verifyFraction, false, null, 12, "auto");
  }

  /** The SQL condition that keeps the rows {@code --variant} asks for in {@code table} (all rows without it). */
  public String variantCondition(org.apache.hadoop.conf.Configuration conf, org.fsqspark.io.TableManifest manifest,
      String table) {
    return org.fsqspark.io.VariantFilter.condition(conf, manifest.partFiles(), variant, table);
  }

  /**
   * The {@code variant} value the rows {@code --variant} asks for carry, for a pass that reads the part files
   * itself ({@code --prior}); empty for every row.
   */
  public java.util.Optional<String> variantValue(org.apache.hadoop.conf.Configuration conf,
      org.fsqspark.io.TableManifest manifest, String table) {
    return org.fsqspark.io.VariantFilter.value(conf, manifest.partFiles(), variant, table);
  }

  /** How the report names {@code table}: with the variant when only one is measured. */
  public String label(String table) {
    return variant == null ? table : table + " (variant " + variant + ")";
  }

  /** Statistics of one table with compression cost, every stream verified. */
  public static StatsConfig of(String input, String output) {
    return new StatsConfig(input, null, output, null, true, 1.0);
  }
}

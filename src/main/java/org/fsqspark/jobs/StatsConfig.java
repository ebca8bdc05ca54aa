package org.fsqspark.jobs;

/**
 * A stats run.
 *
 * @param input a token table folder written by tokenize (or any table with its columns)
 * @param output the folder for {@code stats.json}
 * @param levels levels to use when the table carries no manifest; null to require one
 */
public record StatsConfig(String input, String output, String levels) {
  public StatsConfig {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("--input is required: a token table written by fsq tokenize");
    }
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("--output is required: the folder for stats.json");
    }
  }
}

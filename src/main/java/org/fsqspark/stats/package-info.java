/**
 * Token statistics as mergeable values: codebook histograms, usage, entropy and perplexity, and the
 * entropy coders that measure compression cost. No SparkSession here; jobs aggregate these per partition.
 *
 * <p>May import: fsq, error.
 */
package org.fsqspark.stats;

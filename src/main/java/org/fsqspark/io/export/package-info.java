/**
 * Training-ready exports of a token table ({@code fsq export}): the deterministic shuffle key and file layout
 * (every file of a split a uniform sample of it, sizes within one row), the split folders, Parquet files that
 * Hugging Face {@code datasets} reads with their features (the {@code huggingface} footer key), flat
 * little-endian token files with a NumPy index and a JSON header, and the commit of each output file by
 * rename. No SparkSession here: the job in {@code jobs} only moves rows to these writers.
 */
package org.fsqspark.io.export;

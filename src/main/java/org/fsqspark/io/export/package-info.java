/**
 * Training-ready exports of a token table ({@code fsq export}): the settings and the rules a row must meet,
 * the seeded shuffle key and the file layout (every file of a split a contiguous run of the shuffled order,
 * so a uniform sample of it, sizes within one row), the split folders, the shard writers (Parquet files that
 * Hugging Face {@code datasets} reads with their features under the {@code huggingface} footer key; flat
 * little-endian token files with a NumPy index and ids), the commit of each shard by rename and the run record
 * a re-run resumes from, and the header written last. The split itself is {@link org.fsqspark.io.IdSplit}.
 * No SparkSession here: the job in {@code jobs} only moves rows to these writers.
 */
package org.fsqspark.io.export;

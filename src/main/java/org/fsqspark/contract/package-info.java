/**
 * The token table's contract as pure values with their JSON: the tokenizer manifest, resize policy, model
 * format, encoder output, VQ codebook spec, the reject stages the table stores and the augmentation variants
 * ({@code --variants}) its rows may hold. No I/O, DJL or Spark, so
 * io, model and report can share them.
 *
 * <p>May import: fsq, error.
 */
package org.fsqspark.contract;

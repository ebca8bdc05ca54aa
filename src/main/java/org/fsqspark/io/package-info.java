/**
 * Inputs and outputs: listing image sources (by their literal file names, {@link org.fsqspark.io.FileNames}),
 * the token and rejects table schemas (defined once here), writing and reading token tables with their
 * manifest (checked against every part file's footer), the output folders every job writes into
 * ({@link org.fsqspark.io.OutputFolder}: never an input, never a user's files), and small dataset readers such
 * as Fashion-MNIST.
 *
 * <p>May import: contract, fsq, error. Of Spark only its schema types (the token table's contract).
 */
package org.fsqspark.io;

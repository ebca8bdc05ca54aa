/**
 * Image decoding and preprocessing: bytes to pixels with a size check before any large allocation,
 * checks that a file is whole before it is decoded, a heap budget that decodes are admitted against,
 * colour conversion to the model's channels, resizing, and scaling to the model's pixel range.
 * Nothing here knows about models or Spark.
 *
 * <p>May import: contract, error.
 */
package org.fsqspark.image;

/** Renders statistics for people and programs (JSON, console tables, HTML with plots); computes nothing new. *
 * <p>May import: stats, io, image, contract, fsq, error (io to write its Parquet file, image to encode PNGs).
 */
package org.fsqspark.report;

/**
 * The {@code fsq} command line: parses options into immutable job configs and is the only place that exits.
 *
 * <p>May import: jobs, pipeline, prior, train, report, stats, model, io, image, contract, fsq, error. The top
 * of the layering: nothing imports it.
 */
package org.fsqspark.cli;

/** The {@code fsq} command line: parses options into immutable job configs and is the only place that exits. */
package org.fsqspark.cli;

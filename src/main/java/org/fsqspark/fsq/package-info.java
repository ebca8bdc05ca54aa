/**
 * Finite Scalar Quantization math: levels, bound variants, level digits, normalised codes and token
 * indices. Plain Java with no Spark, DJL or I/O, so every other layer can trust and test it in isolation.
 *
 * <p>May import: error. Every other package may use it.
 */
package org.fsqspark.fsq;

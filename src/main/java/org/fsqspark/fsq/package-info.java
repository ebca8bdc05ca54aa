/**
 * Finite Scalar Quantization math: levels, bound variants, level digits, normalised codes and token
 * indices. Plain Java with no Spark, DJL or I/O, so every other layer can trust and test it in isolation.
 */
package org.fsqspark.fsq;

/**
 * Inputs and outputs: listing image sources, the token and rejects table schemas (defined once here),
 * writing and reading token tables with their manifest (checked against every part file's footer), and
 * small dataset readers such as Fashion-MNIST.
 */
package org.fsqspark.io;

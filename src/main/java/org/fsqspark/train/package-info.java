/**
 * Training the project's own FSQ autoencoder with DJL (and the VQ baseline it is compared with).
 * Writes model folders that the inference path loads as-is; nothing on the inference path imports this.
 *
 * <p>May import: model, io, image, contract, fsq, error.
 */
package org.fsqspark.train;

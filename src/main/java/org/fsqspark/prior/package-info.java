/**
 * The masked-transformer prior over token grids, without Spark: the network ({@link
 * org.fsqspark.prior.PriorNetwork}), its training with MaskGIT's objective and a checkpointed Adam ({@link
 * org.fsqspark.prior.PriorTrainer}), the M2T coding schedule ({@link org.fsqspark.prior.CodingSchedule}),
 * lossless coding of grids with the project's range coder ({@link org.fsqspark.prior.PriorCoder}) and
 * MaskGIT sampling ({@link org.fsqspark.prior.PriorSampler}). Jobs ship a prior to executors and call these.
 *
 * <p>May import: model, shard, stats, io, image, contract, fsq, error. No Spark.
 */
package org.fsqspark.prior;

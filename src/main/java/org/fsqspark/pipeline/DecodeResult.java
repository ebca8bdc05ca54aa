package org.fsqspark.pipeline;

/**
 * What a decode run did.
 *
 * @param images images decoded and written
 * @param rejected token rows the model cannot decode, written to {@code _rejects/} with the reason
 * @param compared images whose originals were found and compared
 * @param meanPsnr mean PSNR in dB over the compared images (NaN when none)
 * @param missingOriginals images whose original could not be read or decoded
 */
public record DecodeResult(String output, long images, long rejected, long compared, double meanPsnr,
    long missingOriginals, String gridFile) {}

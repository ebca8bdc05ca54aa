package org.fsqspark.pipeline;

import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.fsqspark.contract.RejectStage;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.contract.Variants;
import org.fsqspark.image.DecodeBudget;
import org.fsqspark.image.DecodeMemoryException;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.ImageRejectedException;
import org.fsqspark.image.PendingImage;
import org.fsqspark.image.VariantPixels;
import org.fsqspark.io.InputRecord;

/**
 * Decode-thread work: read, decode and preprocess one record into its own pixel buffer. Only what says
 * something about the record becomes a reject: an input that cannot be read ({@code read}) and an image the
 * decoder refuses ({@code decode}, or {@code read} for an empty file). Anything else fails the task: running
 * out of heap is a resource failure Spark retries, and any other exception is a bug, never a reject row.
 */
final class ImagePreparation {
  /** Runs on every decoded image before preprocessing; tests put a fault here to prove bugs fail the job. */
  static volatile Consumer<PendingImage> beforePreprocessing = image -> { };

  private final TokenizerManifest manifest;
  private final long maxPixels;
  private final boolean acceptTruncated;
  private final Variants variants;

  ImagePreparation(TokenizerManifest manifest, long maxPixels, boolean acceptTruncated) {
    this(manifest, maxPixels, acceptTruncated, Variants.NONE);
  }

  /** Preparation of every image's {@code variants}, one after another in its pixels, from one decode. */
  ImagePreparation(TokenizerManifest manifest, long maxPixels, boolean acceptTruncated, Variants variants) {
    this.manifest = manifest;
    this.maxPixels = maxPixels;
    this.acceptTruncated = acceptTruncated;
    this.variants = variants;
  }

  /**
   * The record's pixels, or why it is rejected. The decode waits for its estimated memory in the JVM's
   * {@link DecodeBudget}.
   */
  Prepared prepare(InputRecord record) {
    ImageDecoder decoder = acceptTruncated ? new ImageDecoder(maxPixels).acceptingTruncated()
        : new ImageDecoder(maxPixels);
    VariantPixels preprocessor = new VariantPixels(variants, manifest.channels(), manifest.inputHeight(),
        manifest.inputWidth(), manifest.resize(), manifest.pixelMin(), manifest.pixelMax());
    try {
      byte[] bytes = record.bytes().read();
      try (PendingImage pending = decoder.open(bytes, record.source());
          DecodeBudget.Permit permit = DecodeBudget.shared().admit(pending.estimate().bytes()
              + preprocessor.workingBytes(pending.width(), pending.height(), pending.estimate().planes()))) {
        beforePreprocessing.accept(pending);
        float[] pixels = new float[preprocessor.valuesPerImage()];
        try {
          preprocessor.write(pending, pixels);
        } catch (OutOfMemoryError e) {
          throw new DecodeMemoryException("ran out of heap preprocessing " + record.source() + " ("
              + pending.width() + "x" + pending.height() + " pixels): give the executors more memory, or lower"
              + " --max-pixels to reject such images");
        }
        return new Prepared(record, pixels, pending.height(), pending.width(), null, null,
            pending.damage().orElse(null));
      }
    } catch (InputRecord.UnreadableInputException e) {
      return Prepared.rejected(record, RejectStage.READ, e.getMessage());
    } catch (ImageRejectedException e) {
      return Prepared.rejected(record, e.stage(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for decode memory");
    }
  }
}

package org.fsqspark.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.image.PendingImage;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.ImageRejectedException;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.io.FileNames;
import org.fsqspark.io.StorageFailures;

/**
 * The source images decode compares reconstructions with, found by id under {@code --originals} (ids are the
 * literal relative paths tokenize listed) and preprocessed exactly as tokenize did. An original that is not
 * there, cannot be read or is not an image is missing (counted and logged with the reason); a failing storage
 * service fails the task so Spark retries it.
 */
final class OriginalImages {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OriginalImages.class);

  private final String root;
  private final Configuration conf;
  private final Preprocessor preprocessor;

  OriginalImages(String root, Configuration conf, TokenizerManifest manifest) {
    this.root = root;
    this.conf = conf;
    this.preprocessor = new Preprocessor(manifest.channels(), manifest.inputHeight(), manifest.inputWidth(),
        manifest.resize(), manifest.pixelMin(), manifest.pixelMax());
  }

  /** The preprocessed original of {@code id} in the model's pixel range, or null when it is missing. */
  float[] load(String id) {
    String source = FileNames.child(root, id);
    if (source == null) {
      return missing(id, "the id climbs out of --originals");
    }
    byte[] bytes;
    try {
      bytes = FileNames.readAll(conf, source);
    } catch (IOException e) {
      if (!StorageFailures.isAboutTheFile(e)) {
        throw new UncheckedIOException("Reading the original " + source + " failed: " + e.getMessage(), e);
      }
      return missing(id, e.getMessage());
    } catch (IllegalArgumentException e) {
      // An id that is not an escaped file name (FileNames) names no original.
      return missing(id, e.getMessage());
    }
    float[] original = new float[preprocessor.valuesPerImage()];
    // Decoded and preprocessed as tokenize does (DCT-scaled where it is), so the PSNR compares like with like.
    try (PendingImage image = new ImageDecoder().open(bytes, source)) {
      preprocessor.write(image, original, 0);
    } catch (ImageRejectedException e) {
      return missing(id, e.getMessage());
    }
    return original;
  }

  private static float[] missing(String id, String reason) {
    LOG.info("No original to compare {} with: {}", id, reason);
    return null;
  }
}

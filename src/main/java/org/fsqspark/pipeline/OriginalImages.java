package org.fsqspark.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.contract.Variants;
import org.fsqspark.image.VariantPixels;
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
  private final TokenizerManifest manifest;

  OriginalImages(String root, Configuration conf, TokenizerManifest manifest) {
    this.root = root;
    this.conf = conf;
    this.manifest = manifest;
    this.preprocessor = new Preprocessor(manifest.channels(), manifest.inputHeight(), manifest.inputWidth(),
        manifest.resize(), manifest.pixelMin(), manifest.pixelMax());
  }

  /**
   * The preprocessed original of {@code id} as {@code variant} of {@code variants} (null: the image itself), or
   * null when it is missing.
   */
  float[] load(String id, String variant, Variants variants) {
    if (variant == null || variants.isNone()) {
      return load(id);
    }
    int index = variants.indexOf(variant);
    if (index < 0) {
      return missing(id, "the table's variants " + variants.spec() + " have no variant '" + variant + "'");
    }
    VariantPixels pixels = new VariantPixels(variants, manifest.channels(), manifest.inputHeight(),
        manifest.inputWidth(), manifest.resize(), manifest.pixelMin(), manifest.pixelMax());
    byte[] bytes = read(id);
    if (bytes == null) {
      return null;
    }
    float[] all = new float[pixels.valuesPerImage()];
    try (PendingImage image = new ImageDecoder().open(bytes, id)) {
      pixels.write(image, all);
    } catch (ImageRejectedException e) {
      return missing(id, e.getMessage());
    }
    return java.util.Arrays.copyOfRange(all, index * pixels.valuesPerVariant(), (index + 1) * pixels.valuesPerVariant());
  }

  /** The preprocessed original of {@code id} in the model's pixel range, or null when it is missing. */
  float[] load(String id) {
    byte[] bytes = read(id);
    if (bytes == null) {
      return null;
    }
    float[] original = new float[preprocessor.valuesPerImage()];
    // Decoded and preprocessed as tokenize does (DCT-scaled where it is), so the PSNR compares like with like.
    try (PendingImage image = new ImageDecoder().open(bytes, FileNames.child(root, id))) {
      preprocessor.write(image, original, 0);
    } catch (ImageRejectedException e) {
      return missing(id, e.getMessage());
    }
    return original;
  }

  /** The bytes of the original of {@code id}, or null when it is missing. */
  private byte[] read(String id) {
    String source = FileNames.child(root, id);
    if (source == null) {
      missing(id, "the id climbs out of --originals");
      return null;
    }
    try {
      return FileNames.readAll(conf, source);
    } catch (IOException e) {
      if (!StorageFailures.isAboutTheFile(e)) {
        throw new UncheckedIOException("Reading the original " + source + " failed: " + e.getMessage(), e);
      }
      missing(id, e.getMessage());
      return null;
    } catch (IllegalArgumentException e) {
      // An id that is not an escaped file name (FileNames) names no original.
      missing(id, e.getMessage());
      return null;
    }
  }

  private static float[] missing(String id, String reason) {
    LOG.info("No original to compare {} with: {}", id, reason);
    return null;
  }
}

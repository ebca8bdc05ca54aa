package org.fsqspark.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.model.PixelBatch;

/**
 * Images waiting for the encoder, copied into one NCHW buffer when the batch runs. An image with variants
 * ({@code --variants}) holds several encoder rows, one per variant, and always goes whole into one batch.
 */
final class ImageBatch {
  private final List<Prepared> images = new ArrayList<>();
  private float[] buffer;
  private int rows;

  static ImageBatch of(Prepared image) {
    ImageBatch batch = new ImageBatch();
    batch.add(image);
    return batch;
  }

  void add(Prepared image) {
    images.add(image);
    rows += image.pixels().length;
  }

  /** Encoder rows: the images' variants. */
  int rows(TokenizerManifest manifest) {
    return rows / (manifest.channels() * manifest.inputHeight() * manifest.inputWidth());
  }

  List<Prepared> images() {
    return images;
  }

  int size() {
    return images.size();
  }

  void clear() {
    images.clear();
    rows = 0;
  }

  PixelBatch pixels(TokenizerManifest manifest) {
    if (buffer == null || buffer.length < rows) {
      buffer = new float[rows];
    }
    int at = 0;
    for (Prepared image : images) {
      System.arraycopy(image.pixels(), 0, buffer, at, image.pixels().length);
      at += image.pixels().length;
    }
    return new PixelBatch(buffer, rows(manifest), manifest.channels(), manifest.inputHeight(), manifest.inputWidth());
  }
}

package org.fsqspark.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.model.PixelBatch;

/** Images waiting for the encoder, copied into one NCHW buffer when the batch runs. */
final class ImageBatch {
  private final List<Prepared> images = new ArrayList<>();
  private float[] buffer;

  static ImageBatch of(Prepared image) {
    ImageBatch batch = new ImageBatch();
    batch.add(image);
    return batch;
  }

  void add(Prepared image) {
    images.add(image);
  }

  List<Prepared> images() {
    return images;
  }

  int size() {
    return images.size();
  }

  void clear() {
    images.clear();
  }

  PixelBatch pixels(TokenizerManifest manifest) {
    int per = images.get(0).pixels().length;
    if (buffer == null || buffer.length < per * images.size()) {
      buffer = new float[per * images.size()];
    }
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i).pixels(), 0, buffer, i * per, per);
    }
    return new PixelBatch(buffer, images.size(), manifest.channels(), manifest.inputHeight(), manifest.inputWidth());
  }
}

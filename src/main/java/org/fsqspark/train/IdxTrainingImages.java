package org.fsqspark.train;

import org.fsqspark.io.IdxImages;

/** Fashion-MNIST / MNIST IDX images as training images (one gray channel). */
public record IdxTrainingImages(IdxImages images) implements TrainingImages {
  @Override
  public int count() {
    return images.count();
  }

  @Override
  public int channels() {
    return 1;
  }

  @Override
  public int height() {
    return images.rows();
  }

  @Override
  public int width() {
    return images.columns();
  }

  @Override
  public void write(int index, float[] out, int offset) {
    images.writeUnitFloats(index, out, offset);
  }
}

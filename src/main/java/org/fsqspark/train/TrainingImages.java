package org.fsqspark.train;

/** Images to train on, all of one size, pixels in [0, 1] as CHW floats. */
public interface TrainingImages {
  int count();

  int channels();

  int height();

  int width();

  /** Writes image {@code index} into {@code out} at {@code offset} (channels x height x width floats). */
  void write(int index, float[] out, int offset);

  default int valuesPerImage() {
    return channels() * height() * width();
  }
}

package org.fsqspark.image;

import org.fsqspark.contract.ResizePolicy;
import org.fsqspark.contract.Variants;

/**
 * An image's augmentation variants ({@link Variants}) as model input, all from one decode: the variants of an
 * image follow one another in the output, each {@link #valuesPerVariant()} CHW floats in the model's range.
 *
 * <ul>
 *   <li>{@code none}: the image preprocessed as always.
 *   <li>{@code flip}: that, and the same floats mirrored left to right.
 *   <li>{@code tencrop:SCALE}: as LlamaGen's extract_codes (PIL resize to the crop square, torchvision
 *       {@code TenCrop}): the image brought to a {@code round(SCALE*h) x round(SCALE*w)} square with the
 *       manifest's resize policy and rounded to 8-bit samples, as PIL's resize returns them; the five crops of the
 *       input size (corners, then centre, whose offset is {@code (S - size) / 2} rounded half to even as Python's
 *       {@code round}) are each read as an 8-bit image already at the input size (so through the same path as a
 *       PNG of that crop), then each mirrored.
 * </ul>
 */
public final class VariantPixels {
  private final Variants variants;
  private final Preprocessor model;
  /** tencrop only: the crop square in [0, 1]; null otherwise. */
  private final Preprocessor square;
  private final int channels;
  private final int height;
  private final int width;

  public VariantPixels(Variants variants, int channels, int height, int width, ResizePolicy policy, float pixelMin,
      float pixelMax) {
    this.variants = variants;
    this.model = new Preprocessor(channels, height, width, policy, pixelMin, pixelMax);
    this.square = variants.kind() == Variants.Kind.TENCROP
        ? new Preprocessor(channels, variants.cropSide(height), variants.cropSide(width), policy, 0f, 1f) : null;
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  /** Floats of one variant: the model's input. */
  public int valuesPerVariant() {
    return model.valuesPerImage();
  }

  /** Variants per image. */
  public int count() {
    return variants.count();
  }

  /** Floats all variants of one image take. */
  public int valuesPerImage() {
    return count() * valuesPerVariant();
  }

  /** Heap {@link #write} allocates beyond the decoded pixels and its output, for an image of this size. */
  public long workingBytes(long imageWidth, long imageHeight, int imageChannels) {
    if (square == null) {
      return model.workingBytes(imageWidth, imageHeight, imageChannels);
    }
    return square.workingBytes(imageWidth, imageHeight, imageChannels) + 5L * square.valuesPerImage();
  }

  /** Decodes {@code image} once (DCT-scaled as far as the largest resize allows) and writes every variant. */
  public void write(PendingImage image, float[] out) throws ImageRejectedException {
    Preprocessor first = square == null ? model : square;
    write(image.decodePixels(first.maxReduction(image.width(), image.height()), channels), out);
  }

  /** Writes every variant of {@code image} into {@code out}, one after another from offset 0. */
  public void write(ImagePixels image, float[] out) {
    switch (variants.kind()) {
      case NONE -> model.write(image, out, 0);
      case FLIP -> {
        model.write(image, out, 0);
        mirror(out, 0, out, valuesPerVariant());
      }
      case TENCROP -> {
        PixelRaster squared = square(image);
        Variants.Crop[] crops = Variants.Crop.values();
        for (int i = 0; i < crops.length; i++) {
          model.write(crop(squared, crops[i]), out, i * valuesPerVariant());
          mirror(out, i * valuesPerVariant(), out, (crops.length + i) * valuesPerVariant());
        }
      }
    }
  }

  /** Decodes {@code image} as {@link #write(PendingImage, float[])} does and returns its tencrop square. */
  public PixelRaster square(PendingImage image) throws ImageRejectedException {
    return square(image.decodePixels(square.maxReduction(image.width(), image.height()), channels));
  }

  /** The tencrop square as 8-bit samples (gray, or interleaved RGB), as PIL's resize leaves it. */
  public PixelRaster square(ImagePixels image) {
    if (square == null) {
      throw new IllegalStateException("Only tencrop has a crop square; these variants are " + variants.spec());
    }
    int side = variants.cropSide(height);
    int across = variants.cropSide(width);
    float[] planes = new float[square.valuesPerImage()];
    square.write(image, planes, 0);
    int plane = side * across;
    byte[] samples = new byte[planes.length];
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < plane; p++) {
        int value = Math.round(planes[c * plane + p] * 255f);
        samples[p * channels + c] = (byte) Math.max(0, Math.min(255, value));
      }
    }
    return channels == 1 ? PixelRaster.gray(across, side, samples) : PixelRaster.rgb(across, side, samples);
  }

  /** One of the five crops of the square, read in place. */
  public PixelRaster crop(PixelRaster squared, Variants.Crop crop) {
    int spareX = squared.width() - width;
    int spareY = squared.height() - height;
    int x = switch (crop) {
      case TOP_LEFT, BOTTOM_LEFT -> 0;
      case TOP_RIGHT, BOTTOM_RIGHT -> spareX;
      case CENTRE -> (int) Math.rint(spareX / 2.0);
    };
    int y = switch (crop) {
      case TOP_LEFT, TOP_RIGHT -> 0;
      case BOTTOM_LEFT, BOTTOM_RIGHT -> spareY;
      case CENTRE -> (int) Math.rint(spareY / 2.0);
    };
    return new PixelRaster(width, height, squared.samples(), y * squared.rowStride() + x * squared.pixelStride(),
        squared.rowStride(), squared.pixelStride(), squared.colourBands(), -1, false);
  }

  /** Copies one variant's CHW floats mirrored left to right. */
  private void mirror(float[] from, int fromOffset, float[] to, int toOffset) {
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        int row = (c * height + y) * width;
        for (int x = 0; x < width; x++) {
          to[toOffset + row + x] = from[fromOffset + row + width - 1 - x];
        }
      }
    }
  }
}

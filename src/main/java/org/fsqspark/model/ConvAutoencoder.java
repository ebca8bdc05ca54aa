package org.fsqspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.fsqspark.error.BadInputException;

/**
 * The project's own convolutional FSQ autoencoder: the architecture behind every {@code djl}-format model.
 *
 * <p>Encoder: one stride-2 3x3 conv + ReLU per width (each halves the grid), then a 1x1 projection to
 * d = len(levels) channels. Decoder: a 1x1 conv back to the last width, then per stage a nearest-neighbour
 * upsample and a 3x3 conv (the last one to the image channels), because {@code Conv2dTranspose} is not
 * implemented on DJL's PyTorch engine.
 *
 * @param widths channels after each downsampling stage; the grid shrinks by 2^len(widths)
 * @param outputActivation {@code sigmoid} for pixels in [0, 1], {@code tanh} for [-1, 1]
 */
public record ConvAutoencoder(int imageChannels, List<Integer> widths, int latentChannels, String outputActivation) {
  /** The architecture's name in manifests. */
  public static final String NAME = "fsq-conv-autoencoder";

  public ConvAutoencoder {
    if (imageChannels != 1 && imageChannels != 3) {
      throw new BadInputException("image channels must be 1 or 3, got " + imageChannels);
    }
    if (widths == null || widths.isEmpty() || widths.stream().anyMatch(w -> w == null || w <= 0)) {
      throw new BadInputException("widths must be a non-empty list of positive integers, got " + widths);
    }
    if (latentChannels <= 0) {
      throw new BadInputException("latent channels must be positive, got " + latentChannels);
    }
    if (!"sigmoid".equals(outputActivation) && !"tanh".equals(outputActivation)) {
      throw new BadInputException("output activation must be sigmoid or tanh, got " + outputActivation);
    }
    widths = List.copyOf(widths);
  }

  /** How much smaller the token grid is than the input, per side. */
  public int downsample() {
    return 1 << widths.size();
  }

  /** Image pixels (B x C x H x W) to latents (B x d x H/f x W/f). */
  public SequentialBlock encoder() {
    SequentialBlock encoder = new SequentialBlock();
    for (int width : widths) {
      encoder.add(conv(width, 3, 2)).add(Activation.reluBlock());
    }
    encoder.add(conv(latentChannels, 1, 1));
    return encoder;
  }

  /** Normalised FSQ codes (B x d x h x w) back to pixels (B x C x H x W). */
  public SequentialBlock decoder() {
    SequentialBlock decoder = new SequentialBlock();
    decoder.add(conv(widths.get(widths.size() - 1), 1, 1)).add(Activation.reluBlock());
    for (int stage = widths.size() - 1; stage >= 0; stage--) {
      decoder.add(upsampleTwice());
      if (stage > 0) {
        decoder.add(conv(widths.get(stage - 1), 3, 1)).add(Activation.reluBlock());
      } else {
        decoder.add(conv(imageChannels, 3, 1));
      }
    }
    decoder.add("sigmoid".equals(outputActivation) ? Activation.sigmoidBlock() : Activation.tanhBlock());
    return decoder;
  }

  /** The architecture as the {@code architecture} object of a manifest. */
  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("name", NAME);
    root.addProperty("image_channels", imageChannels);
    JsonArray widthArray = new JsonArray();
    widths.forEach(widthArray::add);
    root.add("widths", widthArray);
    root.addProperty("latent_channels", latentChannels);
    root.addProperty("output_activation", outputActivation);
    return root.toString();
  }

  /** Reads the {@code architecture} object of a manifest. */
  public static ConvAutoencoder fromJson(String json) {
    JsonObject root = JsonParser.parseString(json).getAsJsonObject();
    String name = root.has("name") ? root.get("name").getAsString() : null;
    if (!NAME.equals(name)) {
      throw new BadInputException(
          "Unknown architecture '" + name + "': this version of fsq-spark builds only " + NAME);
    }
    List<Integer> widths = new java.util.ArrayList<>();
    root.getAsJsonArray("widths").forEach(element -> widths.add(element.getAsInt()));
    return new ConvAutoencoder(root.get("image_channels").getAsInt(), widths,
        root.get("latent_channels").getAsInt(), root.get("output_activation").getAsString());
  }

  /** DJL's code for nearest-neighbour interpolation in {@code NDArrayEx.interpolation}. */
  private static final int NEAREST = 0;

  private static Block conv(int filters, int kernel, int stride) {
    return Conv2d.builder()
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(kernel / 2, kernel / 2))
        .setFilters(filters)
        .build();
  }

  private static Block upsampleTwice() {
    return new LambdaBlock(ConvAutoencoder::nearestUpsample, "upsample2x");
  }

  /**
   * Each latent pixel copied into a 2x2 block. libtorch's nearest interpolation gives the same values as
   * repeating rows and columns, and its backward is one pass; the backward of DJL's {@code repeat}
   * (repeat_interleave) was a third of a training step.
   */
  private static NDList nearestUpsample(NDList inputs) {
    NDArray x = inputs.singletonOrThrow();
    Shape shape = x.getShape();
    long[] size = {shape.get(2) * 2, shape.get(3) * 2};
    return new NDList(x.getNDArrayInternal().interpolation(size, NEAREST, false));
  }
}

package org.fsqspark.contract;

import java.util.Locale;
import org.fsqspark.error.BadInputException;

/** How an image of any size is brought to the encoder's input size. */
public enum ResizePolicy {
  /** Scale the shorter side to the input size, then cut the centre (torchvision Resize + CenterCrop). */
  CENTER_CROP,
  /** Scale each side independently; changes the aspect ratio. */
  STRETCH,
  /** Scale the longer side to the input size and fill the rest with black; keeps the whole image. */
  PAD;

  public static ResizePolicy parse(String name) {
    for (ResizePolicy policy : values()) {
      if (policy.manifestName().equals(String.valueOf(name).toLowerCase(Locale.ROOT))) {
        return policy;
      }
    }
    throw new BadInputException(
        "Unknown resize policy '" + name + "': expected center_crop, stretch or pad");
  }

  public String manifestName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

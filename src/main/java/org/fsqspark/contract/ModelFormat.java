package org.fsqspark.contract;

import java.util.Locale;
import org.fsqspark.error.BadInputException;

/** How the encoder weights are stored. */
public enum ModelFormat {
  /** DJL parameters for an architecture this project defines (what {@code fsq train} writes). */
  DJL,
  /** A TorchScript module, self-describing; load only models you trust, TorchScript is code. */
  TORCHSCRIPT;

  static ModelFormat parse(String name) {
    for (ModelFormat format : values()) {
      if (format.manifestName().equals(String.valueOf(name).toLowerCase(Locale.ROOT))) {
        return format;
      }
    }
    throw new BadInputException("Unknown model format '" + name + "': expected djl or torchscript");
  }

  public String manifestName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package org.fsqspark.contract;

import java.util.Locale;
import org.fsqspark.error.BadInputException;

/** What the encoder returns, and therefore who quantizes. */
public enum EncoderOutput {
  /** Continuous latents B x d x h x w; this project applies FSQ with the manifest's bound. */
  LATENTS,
  /** Token indices B x h x w (first element of a tuple output, as Cosmos does); only range-checked. */
  INDICES;

  static EncoderOutput parse(String name) {
    for (EncoderOutput output : values()) {
      if (output.manifestName().equals(String.valueOf(name).toLowerCase(Locale.ROOT))) {
        return output;
      }
    }
    throw new BadInputException("Unknown encoder output '" + name + "': expected latents or indices");
  }

  public String manifestName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

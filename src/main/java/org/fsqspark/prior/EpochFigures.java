package org.fsqspark.prior;

import com.google.gson.JsonObject;

/**
 * One epoch's figures. Validation costs are bits per token of coding the held-out grids with the M2T
 * schedule: ideal (-log2 p under the float model) and real (range-coded bytes); NaN without held-out grids.
 */
public record EpochFigures(int epoch, double trainLoss, double validationBitsPerToken,
    double validationCodedBitsPerToken, double validationBitsPerTokenWithLabel, double seconds,
    double tokensPerSecond) {
  JsonObject toJson() {
    JsonObject json = new JsonObject();
    json.addProperty("epoch", epoch);
    json.addProperty("train_loss_nats", trainLoss);
    json.addProperty("train_loss_bits", trainLoss / Math.log(2));
    addFinite(json, "validation_bits_per_token", validationBitsPerToken);
    addFinite(json, "validation_coded_bits_per_token", validationCodedBitsPerToken);
    addFinite(json, "validation_bits_per_token_with_label", validationBitsPerTokenWithLabel);
    json.addProperty("seconds", seconds);
    json.addProperty("train_tokens_per_second", tokensPerSecond);
    return json;
  }

  static EpochFigures fromJson(JsonObject json) {
    return new EpochFigures(json.get("epoch").getAsInt(), json.get("train_loss_nats").getAsDouble(),
        optional(json, "validation_bits_per_token"), optional(json, "validation_coded_bits_per_token"),
        optional(json, "validation_bits_per_token_with_label"), json.get("seconds").getAsDouble(),
        json.get("train_tokens_per_second").getAsDouble());
  }

  private static void addFinite(JsonObject json, String key, double value) {
    if (Double.isFinite(value)) {
      json.addProperty(key, value);
    }
  }

  private static double optional(JsonObject json, String key) {
    return json.has(key) ? json.get(key).getAsDouble() : Double.NaN;
  }
}

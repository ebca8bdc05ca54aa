package org.fsqspark.contract;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.Serializable;
import java.util.regex.Pattern;
import org.fsqspark.error.BadInputException;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.FiniteScalarQuantizer;
import org.fsqspark.fsq.Levels;

/**
 * Everything a job needs to know about a tokenizer to feed it and read its output: the contract in
 * {@code tokenizer.json}, written beside the weights and into every token table. Valid by construction.
 *
 * @param architecture for {@link ModelFormat#DJL} the JSON object that rebuilds the network; else null
 * @param decoderWeights the decoder beside the encoder (for decode), or null when the model has none
 * @param vq the learned codebook of a VQ model (levels are then {@code [codebook size]}); null for FSQ
 */
public record TokenizerManifest(
    String name,
    String version,
    ModelFormat format,
    Levels levels,
    Bound bound,
    int channels,
    int inputHeight,
    int inputWidth,
    ResizePolicy resize,
    float pixelMin,
    float pixelMax,
    String inputDtype,
    int downsample,
    EncoderOutput output,
    String weights,
    String sha256,
    String architecture,
    String decoderWeights,
    String decoderSha256,
    VqCodebook vq) implements Serializable {

  /** The file name of a manifest inside a model folder. */
  public static final String FILE_NAME = "tokenizer.json";

  private static final java.util.Map<String, String> ARRAY_EXAMPLES = java.util.Map.of(
      "levels", "[8, 5, 5, 5]", "input_size", "[28, 28] (height, width)", "pixel_range", "[0, 1] or [-1, 1]");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  public TokenizerManifest {
    require(name != null && !name.isBlank(), "name is missing");
    require(version != null && !version.isBlank(), "version is missing");
    require(format != null, "format is missing (djl or torchscript)");
    require(levels != null, "levels are missing, e.g. [8, 5, 5, 5]");
    require(bound != null, "bound is missing (" + Bound.names() + ")");
    require(channels == 1 || channels == 3, "channels must be 1 or 3, got " + channels);
    require(inputHeight > 0 && inputWidth > 0,
        "input_size must be two positive integers [h, w], got [" + inputHeight + ", " + inputWidth + "]");
    require(resize != null, "resize is missing (center_crop, stretch or pad)");
    require(pixelMin < pixelMax && Float.isFinite(pixelMin) && Float.isFinite(pixelMax),
        "pixel_range must be [low, high] with low < high, got [" + pixelMin + ", " + pixelMax + "]");
    require(inputDtype != null && inputDtype.matches("float32|float16|bfloat16"),
        "input_dtype must be float32, float16 or bfloat16, got " + inputDtype);
    require(downsample > 0 && inputHeight % downsample == 0 && inputWidth % downsample == 0,
        "downsample " + downsample + " must divide input_size [" + inputHeight + ", " + inputWidth + "]");
    require(output != null, "output is missing (latents or indices)");
    require(output != EncoderOutput.INDICES || bound == Bound.NONE, "output: indices means the model quantizes"
        + " itself, so bound must be none, got " + bound.manifestName() + "; for a model that returns latents for"
        + " fsq-spark to bound with " + bound.manifestName() + ", set output: latents");
    require(weights != null && !weights.isBlank() && !weights.contains("/") && !weights.contains("\\"),
        "weights must name a file beside tokenizer.json, got " + weights);
    require(sha256 == null || SHA256.matcher(sha256).matches(),
        "sha256 must be 64 lower-case hex digits, got " + sha256);
    require(decoderWeights == null || (!decoderWeights.isBlank() && !decoderWeights.contains("/")
        && !decoderWeights.contains("\\")), "decoder_weights must name a file beside tokenizer.json, got " + decoderWeights);
    require(decoderSha256 == null || SHA256.matcher(decoderSha256).matches(),
        "decoder_sha256 must be 64 lower-case hex digits, got " + decoderSha256);
    require(format != ModelFormat.DJL || architecture != null,
        "a djl model needs an architecture object to rebuild its network");
    if (vq != null) {
      require(levels.channels() == 1 && levels.get(0) == vq.size(),
          "a vq model's levels must be [codebook size] = [" + vq.size() + "], got " + levels);
      require(output == EncoderOutput.LATENTS, "a vq model outputs latents, which fsq-spark quantizes");
    } else if (output == EncoderOutput.LATENTS) {
      // Fails early, with the quantizer's own message, for combinations such as L = 2 with a tanh bound.
      new FiniteScalarQuantizer(levels, bound);
    }
  }

  /** Height of the token grid. */
  public int gridHeight() {
    return inputHeight / downsample;
  }

  /** Width of the token grid. */
  public int gridWidth() {
    return inputWidth / downsample;
  }

  /** Tokens per image. */
  public int tokensPerImage() {
    return gridHeight() * gridWidth();
  }

  /** {@code fsq} or {@code vq}. */
  public String quantizerName() {
    return vq == null ? "fsq" : "vq";
  }

  /** Channels the encoder's latents have: d = len(levels) for FSQ, the codebook vectors' length for VQ. */
  public int latentChannels() {
    return vq == null ? levels.channels() : vq.dimension();
  }

  /** Every file this manifest names beside it: weights, decoder weights, codebook. */
  public java.util.List<String> files() {
    java.util.List<String> files = new java.util.ArrayList<>();
    files.add(weights);
    if (decoderWeights != null) {
      files.add(decoderWeights);
    }
    if (vq != null) {
      files.add(vq.file());
    }
    return files;
  }

  /** Parses {@code tokenizer.json}; {@code origin} names the file in error messages. */
  public static TokenizerManifest fromJson(String json, String origin) {
    JsonObject root;
    try {
      JsonElement element = JsonParser.parseString(json);
      if (!element.isJsonObject()) {
        throw new BadInputException("Tokenizer manifest " + origin + " is not a JSON object");
      }
      root = element.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new BadInputException("Tokenizer manifest " + origin + " is not valid JSON: " + e.getMessage(), e);
    }
    try {
      int[] inputSize = intArray(root, "input_size");
      require(inputSize.length == 2, "input_size must be [height, width], got " + inputSize.length + " numbers");
      JsonArray range = array(root, "pixel_range");
      require(range.size() == 2, "pixel_range must be [low, high], e.g. [0, 1] or [-1, 1], got " + range);
      String formatName = string(root, "format", null);
      require(formatName != null, "format is missing: djl or torchscript");
      ModelFormat format = ModelFormat.parse(formatName);
      // A TorchScript model may return latents or its own indices, and guessing wrong gives wrong tokens or a
      // failed range check, so it must say which; this project's djl models always return latents.
      String output = string(root, "output", format == ModelFormat.DJL ? "latents" : null);
      require(output != null, "output is missing: a torchscript model must say whether it returns latents (fsq-spark"
          + " applies FSQ with bound) or indices (the model quantizes itself)");
      return new TokenizerManifest(
          string(root, "name", null),
          string(root, "version", null),
          format,
          Levels.of(intArray(root, "levels")),
          Bound.parse(string(root, "bound", "atanh")),
          integer(root, "channels"),
          inputSize[0],
          inputSize[1],
          ResizePolicy.parse(string(root, "resize", "center_crop")),
          range.get(0).getAsFloat(),
          range.get(1).getAsFloat(),
          string(root, "input_dtype", "float32"),
          integer(root, "downsample"),
          EncoderOutput.parse(output),
          string(root, "weights", null),
          string(root, "sha256", null),
          root.has("architecture") && !root.get("architecture").isJsonNull()
              ? GSON.toJson(root.get("architecture")) : null,
          string(root, "decoder_weights", null),
          string(root, "decoder_sha256", null),
          "vq".equals(string(root, "quantizer", "fsq")) ? new VqCodebook(string(root, "codebook", null),
              string(root, "codebook_sha256", null), integer(root, "codebook_size"), integer(root, "latent_channels"))
              : null);
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
      throw new BadInputException("Invalid tokenizer manifest " + origin + ": " + e.getMessage(), e);
    }
  }

  /** The manifest as pretty-printed JSON, field names in snake_case. */
  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("name", name);
    root.addProperty("version", version);
    root.addProperty("format", format.manifestName());
    JsonArray levelArray = new JsonArray();
    for (int level : levels.toArray()) {
      levelArray.add(level);
    }
    root.add("levels", levelArray);
    root.addProperty("codebook_size", levels.codebookSize());
    root.addProperty("quantizer", quantizerName());
    root.addProperty("bound", bound.manifestName());
    root.addProperty("channels", channels);
    JsonArray size = new JsonArray();
    size.add(inputHeight);
    size.add(inputWidth);
    root.add("input_size", size);
    root.addProperty("resize", resize.manifestName());
    JsonArray range = new JsonArray();
    range.add(pixelMin);
    range.add(pixelMax);
    root.add("pixel_range", range);
    root.addProperty("input_dtype", inputDtype);
    root.addProperty("downsample", downsample);
    JsonArray grid = new JsonArray();
    grid.add(gridHeight());
    grid.add(gridWidth());
    root.add("grid", grid);
    root.addProperty("output", output.manifestName());
    root.addProperty("weights", weights);
    if (sha256 != null) {
      root.addProperty("sha256", sha256);
    }
    if (decoderWeights != null) {
      root.addProperty("decoder_weights", decoderWeights);
    }
    if (decoderSha256 != null) {
      root.addProperty("decoder_sha256", decoderSha256);
    }
    if (vq != null) {
      root.addProperty("codebook", vq.file());
      if (vq.sha256() != null) {
        root.addProperty("codebook_sha256", vq.sha256());
      }
      root.addProperty("latent_channels", vq.dimension());
    }
    if (architecture != null) {
      root.add("architecture", JsonParser.parseString(architecture));
    }
    return GSON.toJson(root);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new BadInputException(message);
    }
  }

  private static String string(JsonObject root, String field, String fallback) {
    JsonElement value = root.get(field);
    if (value == null || value.isJsonNull()) {
      return fallback;
    }
    require(value.isJsonPrimitive(), field + " must be a string");
    return value.getAsString();
  }

  private static int integer(JsonObject root, String field) {
    JsonElement value = root.get(field);
    require(value != null && !value.isJsonNull(), field + " is missing");
    require(value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber(), field + " must be a number");
    return value.getAsInt();
  }

  private static JsonArray array(JsonObject root, String field) {
    JsonElement value = root.get(field);
    require(value != null && !value.isJsonNull(), field + " is missing; it is required, e.g. " + ARRAY_EXAMPLES
        .getOrDefault(field, "[...]"));
    require(value.isJsonArray(), field + " must be a JSON array, e.g. " + ARRAY_EXAMPLES.getOrDefault(field, "[...]")
        + ", got " + value);
    return value.getAsJsonArray();
  }

  private static int[] intArray(JsonObject root, String field) {
    JsonArray values = array(root, field);
    int[] result = new int[values.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = values.get(i).getAsInt();
    }
    return result;
  }
}

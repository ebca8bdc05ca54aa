package org.fsqspark.prior;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;

/**
 * A trained prior folder, loaded: {@code prior.json} (architecture, the tokenizer manifest it was trained on,
 * the table, training settings and per-epoch figures) and {@code prior.weights}, checked against the
 * sha256 in prior.json before anything is built.
 */
public final class PriorModel implements AutoCloseable {
  /** The description file of a prior folder. */
  public static final String JSON_FILE = "prior.json";
  /** The weights file of a prior folder. */
  public static final String WEIGHTS_FILE = "prior.weights";
  /** The value of {@code format} in prior.json. */
  static final String FORMAT = "fsq-spark-prior";

  private final JsonObject metadata;
  private final PriorArchitecture architecture;
  private final TokenizerManifest tokenizer;
  private final PriorNetwork network;
  private final String sha256;

  private PriorModel(JsonObject metadata, PriorArchitecture architecture, TokenizerManifest tokenizer,
      PriorNetwork network, String sha256) {
    this.metadata = metadata;
    this.architecture = architecture;
    this.tokenizer = tokenizer;
    this.network = network;
    this.sha256 = sha256;
  }

  /** Loads a prior folder onto a device. */
  public static PriorModel load(Path folder, Device device) {
    Path json = folder.resolve(JSON_FILE);
    Path weights = folder.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(json)) {
      throw new BadInputException("Prior folder " + folder + " has no " + JSON_FILE + "; pass the --output"
          + " folder of fsq prior train");
    }
    if (!Files.isRegularFile(weights)) {
      throw new BadInputException("Prior folder " + folder + " has no " + WEIGHTS_FILE);
    }
    try {
      return fromBytes(Files.readAllBytes(json), Files.readAllBytes(weights), folder.toString(), device);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read prior folder " + folder, e);
    }
  }

  /** Builds a prior from the bytes of its two files ({@code origin} names them in messages). */
  public static PriorModel fromBytes(byte[] json, byte[] weights, String origin, Device device) {
    JsonObject metadata = metadata(json, origin);
    String expected = metadata.has("sha256") ? metadata.get("sha256").getAsString() : null;
    String actual = sha256(weights);
    if (!actual.equals(expected)) {
      throw new BadInputException("The weights of prior " + origin + " have sha256 " + actual + " but "
          + JSON_FILE + " says " + expected + "; the files do not belong together");
    }
    PriorArchitecture architecture = architectureOf(metadata, origin);
    TokenizerManifest tokenizer = tokenizerOf(metadata, origin);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
      PriorNetwork network = PriorNetwork.read(architecture, device, in);
      return new PriorModel(metadata, architecture, tokenizer, network, actual);
    } catch (IOException e) {
      throw new BadInputException("The weights of prior " + origin + " are damaged: " + e.getMessage(), e);
    }
  }

  /** Parses prior.json, refusing anything that is not a prior's description. */
  public static JsonObject metadata(byte[] json, String origin) {
    try {
      JsonObject object = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
      if (!object.has("format") || !FORMAT.equals(object.get("format").getAsString())) {
        throw new BadInputException(origin + "/" + JSON_FILE + " is not a prior description (format must be "
            + FORMAT + ")");
      }
      return object;
    } catch (JsonParseException | IllegalStateException e) {
      throw new BadInputException(origin + "/" + JSON_FILE + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static PriorArchitecture architectureOf(JsonObject metadata, String origin) {
    if (!metadata.has("architecture") || !metadata.get("architecture").isJsonObject()) {
      throw new BadInputException(origin + "/" + JSON_FILE + " has no architecture object");
    }
    return PriorArchitecture.fromJson(metadata.getAsJsonObject("architecture"));
  }

  static TokenizerManifest tokenizerOf(JsonObject metadata, String origin) {
    if (!metadata.has("tokenizer") || !metadata.get("tokenizer").isJsonObject()) {
      throw new BadInputException(origin + "/" + JSON_FILE + " has no tokenizer manifest");
    }
    return TokenizerManifest.fromJson(metadata.get("tokenizer").toString(), origin + "/" + JSON_FILE + " tokenizer");
  }

  /** Hex sha256 of bytes. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public PriorArchitecture architecture() {
    return architecture;
  }

  /** The manifest of the tokenizer whose tokens the prior was trained on. */
  public TokenizerManifest tokenizer() {
    return tokenizer;
  }

  public PriorNetwork network() {
    return network;
  }

  /** sha256 of the weights: identifies the prior. */
  public String sha256() {
    return sha256;
  }

  /** A copy of prior.json. */
  public JsonObject metadata() {
    return metadata.deepCopy();
  }

  /** A coder over this prior with an M2T schedule of {@code steps} steps. */
  public PriorCoder coder(int steps, int batchSize) {
    return new PriorCoder(network, CodingSchedule.of(architecture.gridHeight(), architecture.gridWidth(), steps),
        batchSize);
  }

  @Override
  public void close() {
    network.close();
  }
}

package org.fsqspark.prior;

import ai.djl.Device;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.error.BadInputException;
import org.fsqspark.shard.JvmSingletons;

/**
 * The two files of a prior folder as bytes, so a driver can ship a prior to executors in a broadcast; each
 * executor JVM builds it once per device and every task thread of that JVM shares it (forward passes are
 * thread-safe; each coder keeps its own state).
 */
public final class PriorPackage implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final AtomicInteger LOADS = new AtomicInteger();

  private final String origin;
  private final byte[] json;
  private final byte[] weights;
  private final String sha256;

  private PriorPackage(String origin, byte[] json, byte[] weights) {
    this.origin = origin;
    this.json = json;
    this.weights = weights;
    this.sha256 = PriorModel.sha256(weights);
    JsonObject metadata = PriorModel.metadata(json, origin);
    if (!metadata.has("sha256") || !sha256.equals(metadata.get("sha256").getAsString())) {
      String said = metadata.has("sha256") ? metadata.get("sha256").getAsString() : "nothing";
      throw new BadInputException("The weights of prior " + origin + " have sha256 " + sha256 + " but "
          + PriorModel.JSON_FILE + " says " + said + "; the files do not belong together");
    }
  }

  /** Reads a local prior folder. */
  public static PriorPackage read(Path folder) {
    Path json = folder.resolve(PriorModel.JSON_FILE);
    Path weights = folder.resolve(PriorModel.WEIGHTS_FILE);
    if (!Files.isRegularFile(json) || !Files.isRegularFile(weights)) {
      throw new BadInputException("Prior folder " + folder + " has no " + PriorModel.JSON_FILE + " and "
          + PriorModel.WEIGHTS_FILE + "; pass the --output folder of fsq prior train");
    }
    try {
      return new PriorPackage(folder.toString(), Files.readAllBytes(json), Files.readAllBytes(weights));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read prior folder " + folder, e);
    }
  }

  /** Where the prior was read from. */
  public String origin() {
    return origin;
  }

  /** sha256 of the weights. */
  public String sha256() {
    return sha256;
  }

  /** prior.json, parsed. */
  public JsonObject metadata() {
    return PriorModel.metadata(json, origin);
  }

  public PriorArchitecture architecture() {
    return PriorModel.architectureOf(metadata(), origin);
  }

  /** The manifest of the tokenizer whose tokens the prior was trained on. */
  public TokenizerManifest tokenizer() {
    return PriorModel.tokenizerOf(metadata(), origin);
  }

  /** The prior on this device, built the first time any thread of this JVM asks. */
  public PriorModel obtain(Device device) {
    return JvmSingletons.get("prior:" + sha256 + "@" + device, PriorModel.class, () -> {
      LOADS.incrementAndGet();
      return PriorModel.fromBytes(json, weights, origin, device);
    });
  }

  /** How many priors this JVM has built; tests use it to show one build per executor. */
  public static int loadsInThisJvm() {
    return LOADS.get();
  }
}

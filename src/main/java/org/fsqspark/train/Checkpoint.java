package org.fsqspark.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.fsqspark.error.BadInputException;

/**
 * {@code OUTPUT/checkpoint}: the whole autoencoder's parameters and the finished epoch, saved after every epoch
 * so that {@code --resume} goes on from there (Adam's moment estimates restart).
 */
final class Checkpoint {
  private final Path directory;
  private final TrainConfig config;

  Checkpoint(Path directory, TrainConfig config) {
    this.directory = directory;
    this.config = config;
  }

  /** Saves the parameters (replacing the previous checkpoint atomically) and the epoch just finished. */
  void save(AutoencoderBlock autoencoder, int epoch) {
    try {
      Files.createDirectories(directory);
      Path parameters = directory.resolve("autoencoder.params.tmp");
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(parameters))) {
        autoencoder.saveParameters(out);
      }
      Files.move(parameters, directory.resolve("autoencoder.params"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      JsonObject state = new JsonObject();
      state.addProperty("epoch", epoch);
      state.addProperty("quantizer", config.quantizer());
      state.addProperty("tokens", config.tokenCount());
      Files.writeString(directory.resolve("state.json"), state + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write a checkpoint to " + directory, e);
    }
  }

  /**
   * Copies the checkpoint's values into the session's parameters in place (replacing the arrays would cut
   * them off from the gradients and the optimizer); returns the checkpoint's epoch, or 0 when there is none.
   */
  int restore(TrainingSession session) {
    Path state = directory.resolve("state.json");
    if (!Files.exists(state)) {
      return 0;
    }
    try {
      JsonObject saved = JsonParser.parseString(Files.readString(state)).getAsJsonObject();
      if (!config.quantizer().equals(saved.get("quantizer").getAsString())
          || config.tokenCount() != saved.get("tokens").getAsInt()) {
        throw new BadInputException("The checkpoint in " + directory + " is of another model ("
            + saved.get("quantizer").getAsString() + ", " + saved.get("tokens").getAsInt() + " tokens); "
            + "use another --output or drop --resume");
      }
      AutoencoderBlock loaded = session.newBlock();
      try (NDManager scratch = session.manager().newSubManager()) {
        loaded.initialize(scratch, DataType.FLOAT32, session.batchShape());
        try (DataInputStream in = new DataInputStream(Files.newInputStream(directory.resolve("autoencoder.params")))) {
          loaded.loadParameters(scratch, in);
        }
        var targets = session.autoencoder().getParameters().values();
        var sources = loaded.getParameters().values();
        for (int i = 0; i < targets.size(); i++) {
          targets.get(i).getArray().set(java.nio.FloatBuffer.wrap(sources.get(i).getArray().toFloatArray()));
        }
      }
      return saved.get("epoch").getAsInt();
    } catch (IOException | MalformedModelException e) {
      throw new IllegalStateException("Cannot resume from " + directory + ": " + e.getMessage(), e);
    }
  }
}

package org.fsqspark.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model was trained, epoch by epoch: {@code training.json} in the model folder (and in its checkpoint, so
 * a resumed run goes on judging convergence from the epochs before the interruption).
 *
 * @param epochCap {@code --epochs}: the most epochs a run may take
 * @param stopped why training ended: {@code converged}, {@code epoch cap}, or {@code running} in a checkpoint
 */
public record TrainingRecord(ConvergenceRule rule, int epochCap, List<EpochMetrics> history, String stopped) {
  /** The model folder's record. */
  public static final String FILE_NAME = "training.json";

  public TrainingRecord {
    history = List.copyOf(history);
  }

  /** Epochs trained in all, resumed runs included. */
  public int epochs() {
    return history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
  }

  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("epochs", epochs());
    root.addProperty("epoch_cap", epochCap);
    root.addProperty("stopped", stopped);
    JsonObject convergence = new JsonObject();
    convergence.addProperty("enabled", rule.enabled());
    convergence.addProperty("usage", rule.usage());
    convergence.addProperty("psnr_db", rule.psnrDb());
    convergence.addProperty("window_epochs", rule.window());
    root.add("convergence", convergence);
    double seconds = 0;
    JsonArray epochs = new JsonArray();
    for (EpochMetrics epoch : history) {
      JsonObject row = new JsonObject();
      row.addProperty("epoch", epoch.epoch());
      row.addProperty("train_loss", finite(epoch.trainLoss()));
      row.addProperty("validation_psnr_db", finite(epoch.psnr()));
      row.addProperty("validation_usage", finite(epoch.usage()));
      row.addProperty("validation_codes_used", epoch.codesUsed());
      row.addProperty("seconds", epoch.seconds());
      epochs.add(row);
      seconds += epoch.seconds();
    }
    root.addProperty("seconds", seconds);
    root.add("history", epochs);
    return root.toString();
  }

  /** Writes the record to {@code file} through a temporary file, so a reader never sees half of it. */
  public void write(Path file) {
    try {
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temporary, toJson() + "\n", StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the training record " + file, e);
    }
  }

  /** The epochs a record at {@code file} holds, up to {@code lastEpoch}; none when there is no such file. */
  public static List<EpochMetrics> readHistory(Path file, int lastEpoch) {
    List<EpochMetrics> history = new ArrayList<>();
    if (!Files.exists(file)) {
      return history;
    }
    try {
      JsonObject root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      for (var element : root.getAsJsonArray("history")) {
        JsonObject row = element.getAsJsonObject();
        EpochMetrics epoch = new EpochMetrics(row.get("epoch").getAsInt(), number(row, "train_loss"),
            number(row, "validation_psnr_db"), number(row, "validation_usage"),
            row.get("validation_codes_used").getAsInt(), row.get("seconds").getAsDouble());
        if (epoch.epoch() <= lastEpoch) {
          history.add(epoch);
        }
      }
      return history;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the training record " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("The training record " + file + " is damaged (" + e.getMessage()
          + "); delete it to resume without the earlier epochs' metrics", e);
    }
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  private static double number(JsonObject row, String key) {
    return row.has(key) && !row.get(key).isJsonNull() ? row.get(key).getAsDouble() : Double.NaN;
  }
}

package org.fsqspark.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;
import org.fsqspark.image.ResizePolicy;
import org.fsqspark.io.OutputKind;
import org.fsqspark.model.ConvAutoencoder;
import org.fsqspark.model.EncoderOutput;
import org.fsqspark.model.ModelFolder;
import org.fsqspark.model.ModelFormat;
import org.fsqspark.model.TokenizerManifest;
import org.fsqspark.model.VqCodebook;

/**
 * Trains the convolutional autoencoder with an FSQ bottleneck (reconstruction loss only, straight-through
 * rounding) or the VQ-VAE baseline (plus codebook and commitment losses), on any {@link TrainingImages}.
 * Checkpoints after every epoch; writes a model folder with {@code tokenizer.json}, encoder and decoder
 * weights (and the codebook for VQ) that tokenize and decode load as-is.
 */
public final class AutoencoderTrainer {
  private static final String CHECKPOINT = "checkpoint";

  /** What training writes into its model folder; {@code --overwrite} deletes these and nothing else. */
  public static final OutputKind OUTPUT = OutputKind.of("train", TokenizerManifest.FILE_NAME, "encoder-*.params",
      "decoder-*.params", "codebook.f32", TrainingRecord.FILE_NAME, CHECKPOINT + "/**");

  private final TrainConfig config;
  private final ConvergenceRule rule;
  private final PrintWriter progress;

  /** Trains every epoch up to {@code config.epochs()}. */
  public AutoencoderTrainer(TrainConfig config, PrintWriter progress) {
    this(config, ConvergenceRule.NEVER, progress);
  }

  /** Trains until {@code rule} says the validation metrics have settled, or {@code config.epochs()} epochs. */
  public AutoencoderTrainer(TrainConfig config, ConvergenceRule rule, PrintWriter progress) {
    this.config = config;
    this.rule = rule;
    this.progress = progress;
  }

  /** Trains on {@code images} (the last {@code validationCount} held out) and writes the model folder. */
  public ValidationMetrics train(TrainingImages images) {
    int total = images.count();
    int validation = Math.min(config.validationCount(), total / 5);
    int trainCount = total - validation;
    if (config.trainLimit() > 0) {
      trainCount = Math.min(trainCount, config.trainLimit());
    }
    int latentChannels = config.levels().channels();
    ConvAutoencoder architecture = new ConvAutoencoder(images.channels(), config.widths(), latentChannels, "sigmoid");
    if (images.height() % architecture.downsample() != 0 || images.width() % architecture.downsample() != 0) {
      throw new IllegalArgumentException("Images of " + images.height() + "x" + images.width() + " are not divisible"
          + " by the downsample factor " + architecture.downsample() + " of widths " + config.widths());
    }
    Engine.getInstance().setRandomSeed((int) config.seed());
    java.util.function.Supplier<AutoencoderBlock> blocks = () -> new AutoencoderBlock(architecture.encoder(),
        config.isVq() ? new QuantizerStep.Vq(config.codebookSize(), latentChannels, config.commitment())
            : new QuantizerStep.Fsq(config.levels(), config.bound()),
        architecture.decoder());
    AutoencoderBlock autoencoder = blocks.get();
    Device device = Engine.getInstance().defaultDevice();
    try (Model model = Model.newInstance("autoencoder", device)) {
      model.setBlock(autoencoder);
      DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(Loss.l2Loss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build())
          .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(trainingConfig)) {
        Shape batchShape = new Shape(config.batchSize(), images.channels(), images.height(), images.width());
        trainer.initialize(batchShape);
        int firstEpoch = config.resume() ? restore(autoencoder, blocks, trainer.getManager(), batchShape) + 1 : 1;
        Path record = config.output().resolve(CHECKPOINT).resolve(TrainingRecord.FILE_NAME);
        List<EpochMetrics> history = new ArrayList<>(firstEpoch > 1
            ? TrainingRecord.readHistory(record, firstEpoch - 1) : List.of());
        progress.printf(Locale.ROOT, "train: %s, %d images (%d held out), %dx%dx%d, %s, %d epochs of batch %d on %s; %s%n",
            config.isVq() ? "VQ codebook of " + config.codebookSize() + " x " + latentChannels
                : "FSQ levels " + config.levels() + " (|C| = " + config.levels().codebookSize() + ")",
            trainCount, validation, images.channels(), images.height(), images.width(),
            firstEpoch > 1 ? "resuming after epoch " + (firstEpoch - 1) : "from scratch",
            config.epochs(), config.batchSize(), device, rule.describe());
        progress.flush();
        float[] buffer = new float[config.batchSize() * images.valuesPerImage()];
        ValidationMetrics metrics = null;
        for (int epoch = firstEpoch; epoch <= config.epochs() && !rule.converged(history); epoch++) {
          int[] order = shuffled(trainCount, config.seed() + epoch);
          long start = System.nanoTime();
          double lossSum = 0;
          int steps = trainCount / config.batchSize();
          for (int step = 0; step < steps; step++) {
            for (int b = 0; b < config.batchSize(); b++) {
              images.write(order[step * config.batchSize() + b], buffer, b * images.valuesPerImage());
            }
            lossSum += step(trainer, buffer, batchShape);
            if ((step + 1) % 100 == 0 || step + 1 == steps) {
              double seconds = (System.nanoTime() - start) / 1e9;
              progress.printf(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %.5f  %.0f images/s%n", epoch,
                  config.epochs(), step + 1, steps, lossSum / (step + 1), (step + 1) * config.batchSize() / seconds);
              progress.flush();
            }
          }
          metrics = validate(images, total - validation, validation, autoencoder, trainer.getManager(), device);
          progress.printf(Locale.ROOT, "epoch %d/%d done in %.0f s: train loss %.5f, validation PSNR %.2f dB, "
                  + "codebook usage %.1f%% (%d of %d codes)%n", epoch, config.epochs(),
              (System.nanoTime() - start) / 1e9, steps == 0 ? Double.NaN : lossSum / steps, metrics.psnr(),
              metrics.codebookUsage() * 100, metrics.codesUsed(), config.tokenCount());
          progress.flush();
          history.add(new EpochMetrics(epoch, steps == 0 ? Double.NaN : lossSum / steps, metrics.psnr(),
              metrics.codebookUsage(), metrics.codesUsed(), (System.nanoTime() - start) / 1e9));
          // The record after the weights: a run killed in between resumes with one epoch's metrics missing.
          checkpoint(autoencoder, epoch);
          new TrainingRecord(rule, config.epochs(), history, "running").write(record);
        }
        if (metrics == null) {
          metrics = validate(images, total - validation, validation, autoencoder, trainer.getManager(), device);
        }
        save(architecture, autoencoder, device, images);
        TrainingRecord done = new TrainingRecord(rule, config.epochs(), history,
            rule.converged(history) ? "converged" : "epoch cap");
        done.write(config.output().resolve(TrainingRecord.FILE_NAME));
        progress.printf(Locale.ROOT, "train: %d epochs, %s%n", done.epochs(), done.stopped());
        progress.flush();
        return metrics;
      }
    }
  }

  private static double step(Trainer trainer, float[] buffer, Shape batchShape) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDArray batch = scope.create(buffer, batchShape);
      double loss;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList outputs = trainer.forward(new NDList(batch));
        NDArray total = outputs.get(0).sub(batch).square().mean().add(outputs.get(1));
        collector.backward(total);
        loss = total.getFloat();
      }
      trainer.step();
      return loss;
    }
  }

  private ValidationMetrics validate(TrainingImages images, int first, int count, AutoencoderBlock autoencoder,
      NDManager manager, Device device) {
    if (count == 0) {
      return new ValidationMetrics(Double.NaN, Double.NaN, 0, 0, new int[0], 0);
    }
    int batch = 500;
    int per = images.valuesPerImage();
    float[] buffer = new float[batch * per];
    boolean[] used = new boolean[config.tokenCount()];
    double squaredErrorSum = 0;
    double psnrSum = 0;
    int[] sampleTokens = null;
    int sampleImages = 0;
    ParameterStore store = new ParameterStore(manager, false);
    for (int start = 0; start < count; start += batch) {
      int n = Math.min(batch, count - start);
      for (int i = 0; i < n; i++) {
        images.write(first + start + i, buffer, i * per);
      }
      try (NDManager scope = manager.newSubManager(device)) {
        NDArray x = scope.create(java.nio.FloatBuffer.wrap(buffer, 0, n * per),
            new Shape(n, images.channels(), images.height(), images.width()));
        NDArray latents = autoencoder.encoder().forward(store, new NDList(x), false).singletonOrThrow();
        int[] indices = autoencoder.quantizer().indices(store, latents).toIntArray();
        for (int index : indices) {
          used[index] = true;
        }
        if (sampleTokens == null) {
          sampleImages = Math.min(n, 64);
          sampleTokens = java.util.Arrays.copyOf(indices, sampleImages * (indices.length / n));
        }
        NDArray codes = autoencoder.quantizer().forward(store, new NDList(latents), false).get(0);
        NDArray reconstruction = autoencoder.decoder().forward(store, new NDList(codes), false).singletonOrThrow();
        float[] perImage = reconstruction.sub(x).square().reshape(n, -1).mean(new int[] {1}).toFloatArray();
        for (float mse : perImage) {
          squaredErrorSum += mse;
          psnrSum += ValidationMetrics.psnr(mse);
        }
      }
    }
    int codesUsed = 0;
    for (boolean u : used) {
      codesUsed += u ? 1 : 0;
    }
    return new ValidationMetrics(squaredErrorSum / count, psnrSum / count, (double) codesUsed / used.length, codesUsed,
        sampleTokens, sampleImages);
  }

  private void save(ConvAutoencoder architecture, AutoencoderBlock autoencoder, Device device, TrainingImages images) {
    Path output = config.output();
    try {
      Files.createDirectories(output);
      String encoderFile = saveBlock(autoencoder.encoder(), "encoder", device, output);
      String decoderFile = saveBlock(autoencoder.decoder(), "decoder", device, output);
      VqCodebook codebook = null;
      Levels levels = config.levels();
      Bound bound = config.bound();
      if (autoencoder.quantizer() instanceof QuantizerStep.Vq vq) {
        Path file = output.resolve("codebook.f32");
        writeFloats(file, vq.codebook(null));
        codebook = new VqCodebook("codebook.f32", ModelFolder.sha256(file), vq.size(), vq.dimension());
        levels = Levels.of(vq.size());
        bound = Bound.NONE;
      }
      TokenizerManifest manifest = new TokenizerManifest(config.name(), "1", ModelFormat.DJL, levels, bound,
          images.channels(), images.height(), images.width(), ResizePolicy.CENTER_CROP, 0f, 1f, "float32",
          architecture.downsample(), EncoderOutput.LATENTS, encoderFile, ModelFolder.sha256(output.resolve(encoderFile)),
          architecture.toJson(), decoderFile, ModelFolder.sha256(output.resolve(decoderFile)), codebook);
      Files.writeString(output.resolve(TokenizerManifest.FILE_NAME), manifest.toJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the model folder " + output, e);
    }
  }

  /** Saves the whole autoencoder's parameters and the finished epoch, so a later run can go on from here. */
  private void checkpoint(AutoencoderBlock autoencoder, int epoch) {
    Path directory = config.output().resolve(CHECKPOINT);
    try {
      Files.createDirectories(directory);
      Path parameters = directory.resolve("autoencoder.params.tmp");
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(parameters))) {
        autoencoder.saveParameters(out);
      }
      Files.move(parameters, directory.resolve("autoencoder.params"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
   * Copies the checkpoint's values into the trainer's parameters in place (replacing the arrays would cut
   * them off from the gradients and the optimizer); returns the checkpoint's epoch, or 0 when there is none.
   */
  private int restore(AutoencoderBlock autoencoder, java.util.function.Supplier<AutoencoderBlock> blocks,
      NDManager manager, Shape inputShape) {
    Path directory = config.output().resolve(CHECKPOINT);
    Path state = directory.resolve("state.json");
    if (!Files.exists(state)) {
      return 0;
    }
    try {
      JsonObject saved = JsonParser.parseString(Files.readString(state)).getAsJsonObject();
      if (!config.quantizer().equals(saved.get("quantizer").getAsString())
          || config.tokenCount() != saved.get("tokens").getAsInt()) {
        throw new IllegalArgumentException("The checkpoint in " + directory + " is of another model ("
            + saved.get("quantizer").getAsString() + ", " + saved.get("tokens").getAsInt() + " tokens); "
            + "use another --output or drop --resume");
      }
      AutoencoderBlock saved0 = blocks.get();
      try (NDManager scratch = manager.newSubManager()) {
        saved0.initialize(scratch, ai.djl.ndarray.types.DataType.FLOAT32, inputShape);
        try (DataInputStream in = new DataInputStream(Files.newInputStream(directory.resolve("autoencoder.params")))) {
          saved0.loadParameters(scratch, in);
        }
        var targets = autoencoder.getParameters().values();
        var sources = saved0.getParameters().values();
        for (int i = 0; i < targets.size(); i++) {
          targets.get(i).getArray().set(java.nio.FloatBuffer.wrap(sources.get(i).getArray().toFloatArray()));
        }
      }
      return saved.get("epoch").getAsInt();
    } catch (IOException | MalformedModelException e) {
      throw new IllegalStateException("Cannot resume from " + directory + ": " + e.getMessage(), e);
    }
  }

  private static String saveBlock(SequentialBlock block, String name, Device device, Path output) throws IOException {
    try (Model part = Model.newInstance(name, device)) {
      part.setBlock(block);
      part.setProperty("Epoch", "0");
      part.save(output, name);
    }
    return name + "-0000.params";
  }

  private static void writeFloats(Path file, float[] values) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    Files.write(file, buffer.array());
  }

  private static int[] shuffled(int count, long seed) {
    Random random = new Random(seed);
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}

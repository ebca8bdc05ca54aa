package org.fsqspark.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.fsqspark.image.ResizePolicy;
import org.fsqspark.io.IdxImages;
import org.fsqspark.model.ConvAutoencoder;
import org.fsqspark.model.ModelFolder;
import org.fsqspark.model.ModelFormat;
import org.fsqspark.model.NDArrayQuantizer;
import org.fsqspark.model.TokenizerManifest;

/**
 * Trains the convolutional FSQ autoencoder on grayscale images with a plain reconstruction (MSE) loss and
 * the straight-through estimator: no codebook, no auxiliary losses. Writes a model folder with
 * {@code tokenizer.json}, {@code encoder-0000.params} and {@code decoder-0000.params}.
 */
public final class FsqAutoencoderTrainer {
  private final TrainConfig config;
  private final PrintWriter progress;

  public FsqAutoencoderTrainer(TrainConfig config, PrintWriter progress) {
    this.config = config;
    this.progress = progress;
  }

  /** Trains on {@code images} (training split, validation taken from its end) and writes the model folder. */
  public ValidationMetrics train(IdxImages images) {
    int total = images.count();
    int validation = Math.min(config.validationCount(), total / 5);
    int trainCount = total - validation;
    if (config.trainLimit() > 0) {
      trainCount = Math.min(trainCount, config.trainLimit());
    }
    int channels = 1;
    int height = images.rows();
    int width = images.columns();
    ConvAutoencoder architecture =
        new ConvAutoencoder(channels, config.widths(), config.levels().channels(), "sigmoid");
    if (height % architecture.downsample() != 0 || width % architecture.downsample() != 0) {
      throw new IllegalArgumentException("Images of " + height + "x" + width + " are not divisible by the "
          + "downsample factor " + architecture.downsample() + " of widths " + config.widths());
    }
    NDArrayQuantizer quantizer = new NDArrayQuantizer(config.levels(), config.bound());
    SequentialBlock encoder = architecture.encoder();
    SequentialBlock decoder = architecture.decoder();
    SequentialBlock autoencoder = new SequentialBlock()
        .add(encoder)
        .add(new LambdaBlock(list -> new NDList(quantizer.quantizeWithStraightThrough(list.singletonOrThrow(), 1)),
            "fsq"))
        .add(decoder);

    Engine.getInstance().setRandomSeed((int) config.seed());
    Device device = Engine.getInstance().defaultDevice();
    try (Model model = Model.newInstance("fsq-autoencoder", device)) {
      model.setBlock(autoencoder);
      DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(Loss.l2Loss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build())
          .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(trainingConfig)) {
        Shape batchShape = new Shape(config.batchSize(), channels, height, width);
        trainer.initialize(batchShape);
        progress.printf(Locale.ROOT, "train: %d images (%d held out), %dx%d, levels %s (|C| = %d), bound %s, "
                + "%d epochs of batch %d on %s%n", trainCount, validation, height, width, config.levels(),
            config.levels().codebookSize(), config.bound().manifestName(), config.epochs(), config.batchSize(), device);
        Random random = new Random(config.seed());
        int[] order = new int[trainCount];
        for (int i = 0; i < trainCount; i++) {
          order[i] = i;
        }
        float[] buffer = new float[config.batchSize() * height * width];
        ValidationMetrics metrics = null;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
          shuffle(order, random);
          long start = System.nanoTime();
          double lossSum = 0;
          int steps = trainCount / config.batchSize();
          for (int step = 0; step < steps; step++) {
            for (int b = 0; b < config.batchSize(); b++) {
              images.writeUnitFloats(order[step * config.batchSize() + b], buffer, b * height * width);
            }
            try (NDManager scope = trainer.getManager().newSubManager()) {
              NDArray batch = scope.create(buffer, batchShape);
              try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray reconstruction = trainer.forward(new NDList(batch)).singletonOrThrow();
                NDArray loss = reconstruction.sub(batch).square().mean();
                collector.backward(loss);
                lossSum += loss.getFloat();
              }
              trainer.step();
            }
            if ((step + 1) % 100 == 0 || step + 1 == steps) {
              double seconds = (System.nanoTime() - start) / 1e9;
              progress.printf(Locale.ROOT, "\repoch %d/%d  step %d/%d  loss %.5f  %.0f images/s   ", epoch,
                  config.epochs(), step + 1, steps, lossSum / (step + 1), (step + 1) * config.batchSize() / seconds);
            }
          }
          metrics = validate(images, trainCount > 0 ? total - validation : 0, validation, encoder, decoder, quantizer,
              trainer.getManager(), device);
          progress.printf(Locale.ROOT, "%nepoch %d/%d done in %.0f s: train loss %.5f, validation PSNR %.2f dB, "
                  + "codebook usage %.1f%% (%d of %d codes)%n", epoch, config.epochs(), (System.nanoTime() - start) / 1e9,
              steps == 0 ? Double.NaN : lossSum / steps, metrics.psnr(), metrics.codebookUsage() * 100,
              metrics.codesUsed(), config.levels().codebookSize());
        }
        if (metrics == null) {
          metrics = validate(images, total - validation, validation, encoder, decoder, quantizer,
              trainer.getManager(), device);
        }
        save(architecture, encoder, decoder, device, height, width);
        return metrics;
      }
    }
  }

  private ValidationMetrics validate(IdxImages images, int first, int count, SequentialBlock encoder,
      SequentialBlock decoder, NDArrayQuantizer quantizer, NDManager manager, Device device) {
    if (count == 0) {
      return new ValidationMetrics(Double.NaN, Double.NaN, 0, 0);
    }
    int height = images.rows();
    int width = images.columns();
    int batch = 500;
    float[] buffer = new float[batch * height * width];
    boolean[] used = new boolean[config.levels().codebookSize()];
    double squaredErrorSum = 0;
    double psnrSum = 0;
    ParameterStore store = new ParameterStore(manager, false);
    for (int start = 0; start < count; start += batch) {
      int n = Math.min(batch, count - start);
      for (int i = 0; i < n; i++) {
        images.writeUnitFloats(first + start + i, buffer, i * height * width);
      }
      try (NDManager scope = manager.newSubManager(device)) {
        NDArray x = scope.create(java.nio.FloatBuffer.wrap(buffer, 0, n * height * width), new Shape(n, 1, height, width));
        NDArray latents = encoder.forward(store, new NDList(x), false).singletonOrThrow();
        for (int index : quantizer.indices(latents, 1).toIntArray()) {
          used[index] = true;
        }
        NDArray codes = quantizer.quantizeWithStraightThrough(latents, 1);
        NDArray reconstruction = decoder.forward(store, new NDList(codes), false).singletonOrThrow();
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
    return new ValidationMetrics(squaredErrorSum / count, psnrSum / count,
        (double) codesUsed / used.length, codesUsed);
  }

  private void save(ConvAutoencoder architecture, SequentialBlock encoder, SequentialBlock decoder, Device device,
      int height, int width) {
    Path output = config.output();
    try {
      Files.createDirectories(output);
      String encoderFile = saveBlock(encoder, "encoder", device, output);
      String decoderFile = saveBlock(decoder, "decoder", device, output);
      TokenizerManifest manifest = new TokenizerManifest(config.name(), "1", ModelFormat.DJL, config.levels(),
          config.bound(), architecture.imageChannels(), height, width, ResizePolicy.CENTER_CROP, 0f, 1f, "float32",
          architecture.downsample(), org.fsqspark.model.EncoderOutput.LATENTS, encoderFile,
          ModelFolder.sha256(output.resolve(encoderFile)), architecture.toJson(), decoderFile,
          ModelFolder.sha256(output.resolve(decoderFile)));
      Files.writeString(output.resolve(TokenizerManifest.FILE_NAME), manifest.toJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the model folder " + output, e);
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

  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }
}

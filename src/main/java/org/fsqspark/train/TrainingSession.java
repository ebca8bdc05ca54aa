package org.fsqspark.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.function.Supplier;
import org.fsqspark.model.ConvAutoencoder;
import org.fsqspark.model.NativeWork;

/**
 * The autoencoder being trained, with its optimizer: built from the config's seed, architecture and
 * quantizer, and stepped one batch at a time. What {@link AutoencoderTrainer} runs epochs over.
 */
final class TrainingSession implements AutoCloseable {
  private final ConvAutoencoder architecture;
  private final Supplier<AutoencoderBlock> blocks;
  private final AutoencoderBlock autoencoder;
  private final Device device;
  private final Model model;
  private final Trainer trainer;
  private final Shape batchShape;

  private TrainingSession(TrainConfig config, TrainingImages images) {
    int latentChannels = config.levels().channels();
    this.architecture = new ConvAutoencoder(images.channels(), config.widths(), latentChannels, "sigmoid");
    Engine.getInstance().setRandomSeed((int) config.seed());
    this.blocks = () -> new AutoencoderBlock(architecture.encoder(),
        config.isVq() ? new QuantizerStep.Vq(config.codebookSize(), latentChannels, config.commitment())
            : new QuantizerStep.Fsq(config.levels(), config.bound()),
        architecture.decoder());
    this.autoencoder = blocks.get();
    this.device = Engine.getInstance().defaultDevice();
    this.model = Model.newInstance("autoencoder", device);
    model.setBlock(autoencoder);
    this.trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build())
        .optDevices(new Device[] {device}));
    this.batchShape = new Shape(config.batchSize(), images.channels(), images.height(), images.width());
    trainer.initialize(batchShape);
  }

  /** A new session; the images decide the architecture's input channels and must fit its downsampling. */
  static TrainingSession open(TrainConfig config, TrainingImages images) {
    return new TrainingSession(config, images);
  }

  /**
   * What one step measured: its loss (reconstruction + auxiliary), the reconstruction term alone, and the summed
   * absolute gradient the loss gave the encoder's first weights (through the quantizer).
   */
  record Step(double loss, double reconstruction, double encoderGradient) {}

  /**
   * One optimizer step on a batch of {@code batchSize} images, in a {@link NativeWork} section of its own: an exit
   * (SIGTERM) waits for the step in libtorch and the run stops before the next.
   */
  Step step(float[] batch) {
    try (NativeWork.Section section = NativeWork.JVM.enter();
        NDManager scope = trainer.getManager().newSubManager()) {
      NDArray pixels = scope.create(batch, batchShape);
      Step measured;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList outputs = trainer.forward(new NDList(pixels));
        NDArray reconstruction = outputs.get(0).sub(pixels).square().mean();
        NDArray total = reconstruction.add(outputs.get(1));
        collector.backward(total);
        measured = new Step(total.getFloat(), reconstruction.getFloat(), autoencoder.encoder().getParameters().get(0)
            .getValue().getArray().getGradient().abs().sum().getFloat());
      }
      trainer.step();
      return measured;
    }
  }

  ConvAutoencoder architecture() {
    return architecture;
  }

  AutoencoderBlock autoencoder() {
    return autoencoder;
  }

  /** A fresh block of the same architecture, to load a checkpoint into. */
  AutoencoderBlock newBlock() {
    return blocks.get();
  }

  NDManager manager() {
    return trainer.getManager();
  }

  Device device() {
    return device;
  }

  Shape batchShape() {
    return batchShape;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}

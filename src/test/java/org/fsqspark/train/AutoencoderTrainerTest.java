package org.fsqspark.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.io.SampleImages;
import org.fsqspark.model.ConvAutoencoder;
import org.fsqspark.model.PixelBatch;
import org.fsqspark.model.TokenBatch;
import org.fsqspark.model.TokenizerModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoencoderTrainerTest {
  private static final Levels LEVELS = Levels.of(8, 5, 5, 5);

  @TempDir
  Path work;

  @Test
  void fewStepsLowerTheLossAndGradientsReachTheEncoderThroughTheRounding() throws Exception {
    for (boolean vq : new boolean[] {false, true}) {
      TrainingImages images = new IdxTrainingImages(SampleImages.bundled());
      ConvAutoencoder architecture = new ConvAutoencoder(1, List.of(16, 32), 4, "sigmoid");
      Engine.getInstance().setRandomSeed(3);
      AutoencoderBlock block = new AutoencoderBlock(architecture.encoder(),
          vq ? new QuantizerStep.Vq(256, 4, 0.25f) : new QuantizerStep.Fsq(LEVELS, Bound.ATANH), architecture.decoder());
      try (Model model = Model.newInstance("test", Device.cpu())) {
        model.setBlock(block);
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
            .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.003f)).build()))) {
          Shape shape = new Shape(64, 1, 28, 28);
          trainer.initialize(shape);
          float[] pixels = new float[64 * 784];
          for (int i = 0; i < 64; i++) {
            images.write(i, pixels, i * 784);
          }
          NDArray batch = trainer.getManager().create(pixels, shape);
          double first = 0;
          double last = 0;
          for (int step = 0; step < 30; step++) {
            try (GradientCollector collector = trainer.newGradientCollector()) {
              NDList out = trainer.forward(new NDList(batch));
              NDArray reconstruction = out.get(0).sub(batch).square().mean();
              collector.backward(reconstruction.add(out.get(1)));
              if (step == 0) {
                first = reconstruction.getFloat();
                Parameter firstConv = block.encoder().getParameters().get(0).getValue();
                assertThat(firstConv.getArray().getGradient().abs().sum().getFloat())
                    .as("encoder gradient through the %s bottleneck", vq ? "VQ" : "FSQ").isPositive();
              }
              last = reconstruction.getFloat();
            }
            trainer.step();
          }
          // The reconstruction term: VQ's total can rise at first while its commitment term grows.
          assertThat(last).as(vq ? "VQ" : "FSQ").isLessThan(first * 0.8);
        }
      }
    }
  }

  @Test
  void theSavedModelReproducesTheTokensOfTheModelInMemory() throws Exception {
    for (String quantizer : new String[] {"fsq", "vq"}) {
      Path folder = work.resolve(quantizer);
      TrainConfig config = new TrainConfig(quantizer, LEVELS, Bound.ATANH, 64, 0.25f, List.of(16, 32), 1, 32, 0.003f,
          5, 100, 0, "test-" + quantizer, folder, false);
      TrainingImages images = new IdxTrainingImages(SampleImages.bundled());
      ValidationMetrics metrics = new AutoencoderTrainer(config, new PrintWriter(new StringWriter())).train(images);
      assertThat(metrics.sampleImages()).isEqualTo(64);

      float[] pixels = new float[metrics.sampleImages() * 784];
      for (int i = 0; i < metrics.sampleImages(); i++) {
        images.write(images.count() - 100 + i, pixels, i * 784);
      }
      try (TokenizerModel loaded = TokenizerModel.load(ModelFolder.open(folder), Device.cpu());
          Predictor<PixelBatch, TokenBatch> predictor = loaded.newPredictor()) {
        TokenBatch tokens = predictor.predict(new PixelBatch(pixels, metrics.sampleImages(), 1, 28, 28));
        assertThat(java.util.Arrays.equals(tokens.tokens(), metrics.sampleTokens())).as(quantizer).isTrue();
      }
      assertThat(folder.resolve("checkpoint/state.json")).exists();
    }
  }
}

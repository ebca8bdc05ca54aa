package org.fsqspark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.ModelFolder;
import org.fsqspark.io.SampleImages;
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
  void fewStepsOfTheTrainersOwnSessionLowerTheLossAndGradientsReachTheEncoderThroughTheRounding() throws Exception {
    TrainingImages images = new IdxTrainingImages(SampleImages.bundled());
    for (String quantizer : new String[] {"fsq", "vq"}) {
      TrainConfig config = new TrainConfig(quantizer, LEVELS, Bound.ATANH, 256, 0.25f, List.of(16, 32), 1, 64, 0.003f,
          3, 100, 0, "test", work.resolve("steps-" + quantizer), false);
      float[] pixels = new float[64 * 784];
      for (int i = 0; i < 64; i++) {
        images.write(i, pixels, i * 784);
      }
      try (TrainingSession session = TrainingSession.open(config, images)) {
        TrainingSession.Step first = session.step(pixels);
        assertThat(first.encoderGradient()).as("encoder gradient through the %s bottleneck", quantizer).isPositive();
        TrainingSession.Step last = first;
        for (int step = 1; step < 30; step++) {
          last = session.step(pixels);
        }
        // The reconstruction term: VQ's total can rise at first while its commitment term grows.
        assertThat(last.reconstruction()).as(quantizer).isLessThan(first.reconstruction() * 0.8);
      }
    }
  }

  @Test
  void theTrainerRunsEpochsThatLowerTheLossAndCheckpointsEachOne() throws Exception {
    Path folder = work.resolve("epochs");
    StringWriter progress = new StringWriter();
    TrainConfig config = new TrainConfig("fsq", LEVELS, Bound.ATANH, 0, 0.25f, List.of(16, 32), 3, 32, 0.003f, 5,
        100, 0, "test-epochs", folder, false);
    ValidationMetrics metrics = new AutoencoderTrainer(config, new PrintWriter(progress)).train(
        new IdxTrainingImages(SampleImages.bundled()));
    List<Double> losses = perEpoch(progress.toString(), "train loss ([0-9.]+)");
    List<Double> psnr = perEpoch(progress.toString(), "validation PSNR ([0-9.]+) dB");
    assertThat(losses).as(progress.toString()).hasSize(3);
    assertThat(losses.get(2)).isLessThan(losses.get(0));
    assertThat(psnr.get(2)).isGreaterThan(psnr.get(0)).isEqualTo(metrics.psnr(), within(0.005));
    assertThat(Files.readString(folder.resolve("checkpoint/state.json"))).contains("\"epoch\":3");
    assertThat(ModelFolder.open(folder).manifest().name()).isEqualTo("test-epochs");
  }

  @Test
  void resumeContinuesFromTheCheckpointsEpochAndWeights() throws Exception {
    Path folder = work.resolve("resumed");
    TrainingImages images = new IdxTrainingImages(SampleImages.bundled());
    ValidationMetrics first = new AutoencoderTrainer(resumable(folder, 1, false), new PrintWriter(new StringWriter()))
        .train(images);

    // Nothing left to train: the model written is the checkpoint's, so it encodes exactly as the first run's did;
    // a resume that restarted from fresh weights would not (and would train epoch 1 again).
    StringWriter restored = new StringWriter();
    ValidationMetrics again = new AutoencoderTrainer(resumable(folder, 1, true), new PrintWriter(restored))
        .train(images);
    assertThat(restored.toString()).contains("resuming after epoch 1").doesNotContain("epoch 1/1");
    assertThat(again.sampleTokens()).isEqualTo(first.sampleTokens());
    assertThat(again.psnr()).isEqualTo(first.psnr());

    StringWriter continued = new StringWriter();
    new AutoencoderTrainer(resumable(folder, 2, true), new PrintWriter(continued)).train(images);
    assertThat(continued.toString()).contains("resuming after epoch 1", "epoch 2/2 done")
        .doesNotContain("epoch 1/2");
    assertThat(Files.readString(folder.resolve("checkpoint/state.json"))).contains("\"epoch\":2");
  }

  private static TrainConfig resumable(Path folder, int epochs, boolean resume) {
    return new TrainConfig("fsq", LEVELS, Bound.ATANH, 0, 0.25f, List.of(16, 32), epochs, 32, 0.003f, 7, 100, 0,
        "test-resume", folder, resume);
  }

  /** A figure of every "epoch N/M done" line. */
  private static List<Double> perEpoch(String progress, String figure) {
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("done in \\d+ s: .*" + figure)
        .matcher(progress);
    List<Double> losses = new java.util.ArrayList<>();
    while (matcher.find()) {
      losses.add(Double.parseDouble(matcher.group(1)));
    }
    return losses;
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

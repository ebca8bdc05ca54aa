package org.fsqspark.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fsqspark.fsq.Bound;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer with a convergence rule: it stops when the metrics settle, at the cap otherwise, and on resume. */
class ConvergenceTrainingTest {
  @TempDir
  Path work;

  private static TrainConfig config(Path folder, int epochs, boolean resume) {
    return new TrainConfig("fsq", Levels.of(8, 5, 5, 5), Bound.ATANH, 64, 0.25f, List.of(8, 16), epochs, 64, 0.003f,
        5, 100, 300, "test", folder, resume);
  }

  private static JsonObject record(Path folder) throws Exception {
    return JsonParser.parseString(Files.readString(folder.resolve(TrainingRecord.FILE_NAME))).getAsJsonObject();
  }

  @Test
  void stopsWhenTheMetricsSettleAndAtTheCapOtherwise() throws Exception {
    TrainingImages images = new IdxTrainingImages(SampleImages.bundled());
    // Bands no metric can leave: settled as soon as two epochs can be judged, i.e. after epoch 3 of 6.
    Path settled = work.resolve("settled");
    new AutoencoderTrainer(config(settled, 6, false), ConvergenceRule.overTwoEpochs(1.0, 100),
        new PrintWriter(new StringWriter())).train(images);
    JsonObject early = record(settled);
    assertThat(early.get("epochs").getAsInt()).isEqualTo(3);
    assertThat(early.get("stopped").getAsString()).isEqualTo("converged");
    assertThat(early.getAsJsonArray("history")).hasSize(3);
    assertThat(settled.resolve("tokenizer.json")).exists();

    // Bands no training settles into (PSNR within 1e-9 dB): every epoch up to the cap runs.
    Path capped = work.resolve("capped");
    new AutoencoderTrainer(config(capped, 2, false), ConvergenceRule.overTwoEpochs(1e-9, 1e-9),
        new PrintWriter(new StringWriter())).train(images);
    JsonObject cap = record(capped);
    assertThat(cap.get("epochs").getAsInt()).isEqualTo(2);
    assertThat(cap.get("stopped").getAsString()).isEqualTo("epoch cap");
    assertThat(cap.get("epoch_cap").getAsInt()).isEqualTo(2);
  }

  @Test
  void aResumedRunJudgesConvergenceWithTheEpochsBeforeTheInterruption() throws Exception {
    TrainingImages images = new IdxTrainingImages(SampleImages.bundled());
    Path folder = work.resolve("resumed");
    ConvergenceRule loose = ConvergenceRule.overTwoEpochs(1.0, 100);
    // Two epochs (the cap), then resumed with a cap of 6: one more epoch makes three to judge, so it stops at 3.
    new AutoencoderTrainer(config(folder, 2, false), loose, new PrintWriter(new StringWriter())).train(images);
    assertThat(record(folder).get("stopped").getAsString()).isEqualTo("epoch cap");
    StringWriter log = new StringWriter();
    new AutoencoderTrainer(config(folder, 6, true), loose, new PrintWriter(log)).train(images);
    JsonObject resumed = record(folder);
    assertThat(resumed.get("epochs").getAsInt()).isEqualTo(3);
    assertThat(resumed.get("stopped").getAsString()).isEqualTo("converged");
    assertThat(resumed.getAsJsonArray("history")).hasSize(3);
    assertThat(log.toString()).contains("resuming after epoch 2").doesNotContain("epoch 4/");
  }
}

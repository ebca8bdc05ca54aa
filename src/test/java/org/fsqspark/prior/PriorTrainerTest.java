package org.fsqspark.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.contract.TokenizerManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(OneEngineThread.class)
class PriorTrainerTest {
  private static final TokenizerManifest MANIFEST = TokenTables.manifest("tiny-a", new int[] {4, 4}, 4, 4);

  @TempDir
  Path work;

  private static PriorTrainingConfig config(Path output, String condition, int epochs, int checkpointSteps,
      boolean resume) {
    return config(output, condition, epochs, checkpointSteps, resume, 32);
  }

  private static PriorTrainingConfig config(Path output, String condition, int epochs, int checkpointSteps,
      boolean resume, int width) {
    return new PriorTrainingConfig(output, condition, 0.1f, 2, width, 2, 2, true, epochs, 32, 1e-2f, 5, 0.01f, 5,
        0.1, 1000, 6, 50, checkpointSteps, resume);
  }

  private TokenTableReader table(String name, TokenizerManifest manifest, int rows) throws Exception {
    Path folder = TokenTables.write(work.resolve(name), manifest, TokenTables.structuredRows(name, rows, 1, manifest),
        3);
    return TokenTableReader.open(new Configuration(), folder.toString());
  }

  private static PriorTrainer trainer(PriorTrainingConfig config, StringWriter log) {
    return new PriorTrainer(config, Device.cpu(), new PrintWriter(log, true));
  }

  @Test
  void aTinyPriorLearnsTheGridsAndItsValidationCostFalls() throws Exception {
    TokenTableReader table = table("tokens", MANIFEST, 400);
    StringWriter log = new StringWriter();
    PriorTrainer.Result result = trainer(config(work.resolve("prior"), "label", 8, 0, false), log).train(table);

    List<EpochFigures> history = result.history();
    assertThat(history).hasSize(8);
    double uniform = Math.log(16) / Math.log(2);
    assertThat(history.get(7).validationBitsPerToken()).as("%s", history)
        .isLessThan(history.get(0).validationBitsPerToken()).isLessThan(0.6 * uniform);
    assertThat(history.get(7).trainLoss()).isLessThan(history.get(0).trainLoss());
    // Range-coded validation bytes stay close to the ideal code length.
    assertThat(history.get(7).validationCodedBitsPerToken())
        .isCloseTo(history.get(7).validationBitsPerToken(), org.assertj.core.data.Offset.offset(0.2));
    assertThat(log.toString()).contains("epoch 8/8 done").contains("validation");

    try (PriorModel prior = PriorModel.load(work.resolve("prior"), Device.cpu())) {
      JsonObject json = prior.metadata();
      assertThat(prior.tokenizer()).isEqualTo(MANIFEST);
      assertThat(prior.architecture().classes()).isEqualTo(4);
      assertThat(json.getAsJsonArray("history")).hasSize(8);
      assertThat(json.get("table").getAsString()).isEqualTo(work.resolve("tokens").toString());

      // The same seed gives the same samples; another seed other samples.
      PriorSampler sampler = new PriorSampler(prior.network(), 6, 1f, 4.5f);
      List<int[]> first = sampler.sample(5, 2, 42, 4);
      List<int[]> again = sampler.sample(5, 2, 42, 4);
      List<int[]> other = sampler.sample(5, 2, 43, 4);
      for (int i = 0; i < first.size(); i++) {
        assertThat(again.get(i)).isEqualTo(first.get(i));
      }
      assertThat(first.stream().map(java.util.Arrays::toString).toList())
          .isNotEqualTo(other.stream().map(java.util.Arrays::toString).toList());
      // Samples follow the learned structure: neighbours hold the same token far more often than the 1 in 16
      // of unstructured grids (a quarter of the pairs at least; the data has it in about 80%).
      int pairs = 0;
      int matching = 0;
      for (int[] grid : sampler.sample(40, null, 7, 20)) {
        for (int r = 0; r < 4; r++) {
          for (int c = 0; c < 3; c++) {
            pairs++;
            matching += grid[r * 4 + c] == grid[r * 4 + c + 1] ? 1 : 0;
          }
        }
      }
      assertThat(matching).as("pairs following the rule, %s", history).isGreaterThan(pairs / 4);
      assertThatThrownBy(() -> sampler.sample(1, 4, 1, 1)).hasMessageContaining("--label must be in 0..3");
    }
  }

  @Test
  void resumingContinuesTheLossCurveOfAnUninterruptedRun() throws Exception {
    TokenTableReader table = table("tokens", MANIFEST, 200);
    PriorTrainer.Result straight = trainer(config(work.resolve("straight"), null, 2, 4, false), new StringWriter())
        .train(table);

    Path output = work.resolve("interrupted");
    // Killed after the checkpoint in the middle of epoch 2 (step 4 of 6), then resumed.
    PriorTrainer.Result first = trainer(config(output, null, 2, 4, false), new StringWriter())
        .train(table, (epoch, step) -> epoch == 2 && step == 4);
    assertThat(first.history()).hasSize(1);
    StringWriter log = new StringWriter();
    PriorTrainer.Result resumed = trainer(config(output, null, 2, 4, true), log).train(table);
    assertThat(log.toString()).contains("resuming after epoch 1 and 4 steps");

    assertThat(resumed.steps()).isEqualTo(straight.steps());
    assertThat(resumed.history()).hasSameSizeAs(straight.history());
    for (int i = 0; i < straight.history().size(); i++) {
      EpochFigures expected = straight.history().get(i);
      EpochFigures actual = resumed.history().get(i);
      assertThat(actual.validationBitsPerToken()).as("epoch %d", i + 1)
          .isCloseTo(expected.validationBitsPerToken(), org.assertj.core.data.Offset.offset(1e-5));
      if (i != 1) {
        // Epoch 2's train loss is averaged over the steps this run made, which differ after a resume.
        assertThat(actual.trainLoss()).as("epoch %d", i + 1)
            .isCloseTo(expected.trainLoss(), org.assertj.core.data.Offset.offset(1e-5));
      }
    }
    assertThat(Files.readAllBytes(output.resolve(PriorModel.WEIGHTS_FILE)))
        .isEqualTo(Files.readAllBytes(work.resolve("straight").resolve(PriorModel.WEIGHTS_FILE)));
  }

  @Test
  void resumingOnATableFromAnotherTokenizerIsRefused() throws Exception {
    TokenTableReader table = table("tokens-a", MANIFEST, 120);
    Path output = work.resolve("prior");
    trainer(config(output, null, 1, 0, false), new StringWriter()).train(table);

    TokenizerManifest other = TokenTables.manifest("tiny-b", new int[] {4, 4}, 4, 4);
    TokenTableReader otherTable = table("tokens-b", other, 120);
    assertThatThrownBy(() -> trainer(config(output, null, 2, 0, true), new StringWriter()).train(otherTable))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot resume on").hasMessageContaining("tokenizer tiny-b")
        .hasMessageContaining("the checkpoint was trained on tiny-a");
    assertThatThrownBy(() -> trainer(config(output, null, 2, 0, true, 64), new StringWriter()).train(table))
        .hasMessageContaining("resume with the same flags");
    assertThatThrownBy(() -> trainer(config(work.resolve("empty"), null, 2, 0, true), new StringWriter()).train(table))
        .hasMessageContaining("Nothing to resume");
  }
}

package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.io.IdSplit;
import org.fsqspark.io.TokenRow;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.jobs.SparkTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prior's commands as a user runs them, end to end on the bundled tokenizer: labelled Fashion-MNIST
 * samples as Parquet, tokenize with the label kept, train a label-conditioned prior, code the tokens with
 * {@code stats --prior}, and sample a row per class decoded to images.
 */
class PriorCommandTest {
  @TempDir
  Path work;

  @Test
  void samplesTokenizeTrainStatsAndSampleWorkTogether() throws Exception {
    SparkTestSupport.stopActive();
    Path images = work.resolve("images");
    CliRunner.Result samples = CliRunner.run("samples", "--format", "parquet", "--rows-per-file", "100", "--output",
        images.toString(), "--count", "300");
    assertThat(samples.exitCode()).as(samples.err()).isZero();
    Path tokens = work.resolve("tokens");
    CliRunner.Result tokenize = CliRunner.run("tokenize", "--master", "local[2]", "--input", images.toString(),
        "--output", tokens.toString(), "--id-column", "id", "--keep", "label", "--progress-interval", "0");
    assertThat(tokenize.exitCode()).as(tokenize.err()).isZero();
    try (TokenTableReader.RowStream rows = TokenTableReader.open(new Configuration(), tokens.toString())
        .rows(new IdSplit(0), IdSplit.Part.ALL, java.util.List.of("label"))) {
      TokenRow row = rows.next();
      assertThat(row.id()).startsWith("test-");
      assertThat(row.passthrough()[0]).isInstanceOf(Long.class);
    }

    Path prior = work.resolve("prior");
    CliRunner.Result train = CliRunner.run("prior", "train", "--input", tokens.toString(), "--output",
        prior.toString(), "--condition", "label", "--layers", "1", "--width", "32", "--heads", "2", "--epochs", "2",
        "--batch-size", "32", "--validation", "0.1", "--threads", "1");
    assertThat(train.exitCode()).as(train.err()).isZero();
    assertThat(train.err()).contains("10 classes", "epoch 2/2 done", "validation");
    assertThat(train.out()).contains("prior written to " + prior, "bits/token");
    JsonObject json = JsonParser.parseString(Files.readString(prior.resolve("prior.json"))).getAsJsonObject();
    assertThat(json.getAsJsonObject("tokenizer").get("name").getAsString()).isEqualTo("fsq-conv-ae");
    assertThat(json.getAsJsonArray("history")).hasSize(2);

    CliRunner.Result again = CliRunner.run("prior", "train", "--input", tokens.toString(), "--output",
        prior.toString());
    assertThat(again.exitCode()).isEqualTo(2);
    // The shared output rule (io/OutputFolder): an earlier prior is replaced only with --overwrite.
    assertThat(again.err().strip()).startsWith("fsq prior train: error: Output").contains("already holds the output"
        + " of an earlier fsq prior train", "--overwrite");
    CliRunner.Result inside = CliRunner.run("prior", "train", "--input", tokens.toString(), "--output",
        tokens.resolve("prior").toString());
    assertThat(inside.err()).contains("lies inside --input");

    CliRunner.Result stats = CliRunner.run("stats", "--master", "local[2]", "--input", tokens.toString(), "--output",
        work.resolve("stats").toString(), "--prior", prior.toString());
    assertThat(stats.exitCode()).as(stats.err()).isZero();
    assertThat(stats.out()).contains("masked transformer", "ideal -log2 p", "all decoded and checked");
    JsonObject cost = JsonParser.parseString(Files.readString(work.resolve("stats/stats.json"))).getAsJsonObject()
        .getAsJsonObject("compression").getAsJsonObject("models").getAsJsonObject("masked_transformer");
    assertThat(cost.get("verified_tokens").getAsLong()).isEqualTo(300L * 49);
    assertThat(cost.get("bits_per_token").getAsDouble()).isGreaterThan(0).isLessThan(10.5);
    assertThat(cost.get("bytes").getAsLong() * 8.0).isGreaterThanOrEqualTo(cost.get("ideal_bits").getAsDouble() - 8);
    assertThat(Files.readString(work.resolve("stats/report.html"))).contains("masked transformer");

    Path sampled = work.resolve("sampled");
    CliRunner.Result sample = CliRunner.run("prior", "sample", "--prior", prior.toString(), "--output",
        sampled.toString(), "--per-class", "--count", "3", "--steps", "4", "--seed", "9");
    assertThat(sample.exitCode()).as(sample.err()).isZero();
    assertThat(sample.out()).contains("samples: 30");
    assertThat(sampled.resolve("grid.png")).exists();
    assertThat(sampled.resolve("images/sample-class9-00002.png")).exists();
    TokenTableReader table = TokenTableReader.open(new Configuration(), sampled.resolve("tokens").toString());
    assertThat(table.rowCount()).isEqualTo(30);
    assertThat(table.manifest().name()).isEqualTo("fsq-conv-ae");
    CliRunner.Result wrongLabel = CliRunner.run("prior", "sample", "--prior", prior.toString(), "--output",
        work.resolve("wrong").toString(), "--label", "10");
    assertThat(wrongLabel.exitCode()).isEqualTo(2);
    assertThat(wrongLabel.err().strip()).isEqualTo("fsq prior sample: error: --label must be in 0..9, got 10");
  }

  @Test
  void statsRefusesAPriorOfAnotherTokenizer() throws Exception {
    SparkTestSupport.stopActive();
    Path images = work.resolve("images");
    org.fsqspark.io.SampleImages.writePngs(images, 20);
    Path tokens = work.resolve("tokens");
    assertThat(CliRunner.run("tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
        tokens.toString(), "--progress-interval", "0").exitCode()).isZero();
    Path prior = work.resolve("prior");
    Files.createDirectories(prior);
    // A prior folder whose prior.json names another tokenizer (only the manifest's name differs).
    Path trained = work.resolve("trained");
    assertThat(CliRunner.run("prior", "train", "--input", tokens.toString(), "--output", trained.toString(),
        "--layers", "1", "--width", "16", "--heads", "2", "--epochs", "1", "--validation", "0").exitCode()).isZero();
    String json = Files.readString(trained.resolve("prior.json")).replace("\"fsq-conv-ae\"", "\"other-tokenizer\"");
    Files.writeString(prior.resolve("prior.json"), json);
    Files.copy(trained.resolve("prior.weights"), prior.resolve("prior.weights"));
    CliRunner.Result stats = CliRunner.run("stats", "--master", "local[1]", "--input", tokens.toString(), "--output",
        work.resolve("stats").toString(), "--prior", prior.toString());
    assertThat(stats.exitCode()).isEqualTo(2);
    assertThat(stats.err().strip()).startsWith("fsq stats: error: Prior " + prior + " was trained on tokens of "
        + "other-tokenizer").contains("train a prior on this tokenizer's tokens").doesNotContain("\n");
  }
}

package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.SampleImages;
import org.fsqspark.io.TokenTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stats and decode believe a token table's own footers, not a {@code _tokenizer.json} beside them: a side
 * file with other levels of the same |C|, part files of two tokenizers, or part files with and without a
 * manifest are refused with one line naming two files that differ and in what (issue 10, item 4).
 */
class TableManifestCheckTest {
  @TempDir
  static Path work;

  private static Path tokens;
  private static TokenizerManifest other;

  @BeforeAll
  static void tokenize() throws Exception {
    Path images = work.resolve("images");
    SampleImages.writePngs(images, 12);
    tokens = work.resolve("tokens");
    CliRunner.Result made = CliRunner.run("tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
        tokens.toString(), "--progress-interval", "0");
    assertThat(made.exitCode()).as(made.err()).isZero();
    assertThat(tokens.resolve("part-00000.parquet")).exists();
    // Another tokenizer with the same |C| = 1000, so every token of the real table is in range for both.
    JsonObject json = JsonParser.parseString(ModelPackage.bundledDefault().manifestJson()).getAsJsonObject();
    JsonArray levels = new JsonArray();
    List.of(10, 10, 10).forEach(levels::add);
    json.add("levels", levels);
    other = TokenizerManifest.fromJson(json.toString(), "test manifest");
  }

  @Test
  void aSideFileThatDisagreesWithTheFootersIsRefusedByStatsAndDecode() throws Exception {
    Path table = copyOfTokens("side-file");
    Files.writeString(table.resolve(TokenTable.MANIFEST_FILE), other.toJson() + "\n");
    String expected = "_tokenizer.json disagrees with the footer of part-00000.parquet in levels (10,10,10 vs 8,5,5,5)";
    expectError(expected, "stats", "--master", "local[1]", "--input", table.toString(), "--output",
        work.resolve("stats-side").toString());
    expectError(expected, "decode", "--master", "local[1]", "--input", table.toString(), "--output",
        work.resolve("decoded-side").toString());
    assertThat(work.resolve("decoded-side")).doesNotExist();
  }

  @Test
  void partFilesOfTwoTokenizersAreRefusedNamingBoth() throws Exception {
    Path table = copyOfTokens("two-tokenizers");
    Files.delete(table.resolve(TokenTable.MANIFEST_FILE));
    writePart(table.resolve("part-00001.parquet"), TokenTable.footer(other, List.of()));
    expectError("mixes tokenizers: part-00000.parquet and part-00001.parquet differ in levels (8,5,5,5 vs 10,10,10)",
        "stats", "--master", "local[1]", "--input", table.toString(), "--output", work.resolve("stats-two").toString());
  }

  @Test
  void partFilesWithAndWithoutAManifestAreRefused() throws Exception {
    Path table = copyOfTokens("mixed-footers");
    writePart(table.resolve("part-00001.parquet"), Map.of());
    expectError("mixes part files with and without a tokenizer manifest in their footers: part-00000.parquet has one"
            + " (fsq-conv-ae 1, levels 8,5,5,5) and part-00001.parquet has none", "stats", "--master", "local[1]",
        "--input", table.toString(), "--output", work.resolve("stats-mixed").toString());
  }

  /** The token table, copied without its run markers (a user's copy of the data and its side file). */
  private static Path copyOfTokens(String name) throws Exception {
    Path copy = Files.createDirectories(work.resolve(name));
    Files.copy(tokens.resolve("part-00000.parquet"), copy.resolve("part-00000.parquet"));
    Files.copy(tokens.resolve(TokenTable.MANIFEST_FILE), copy.resolve(TokenTable.MANIFEST_FILE));
    return copy;
  }

  /** Two valid rows of a 7x7 grid, tokens in 0..999, with the given footer. */
  private static void writePart(Path file, Map<String, String> footer) throws Exception {
    try (ParquetRowWriter writer = new ParquetRowWriter(new Configuration(), new org.apache.hadoop.fs.Path(
        file.toUri()), TokenTable.COLUMNS, footer)) {
      for (int row = 0; row < 2; row++) {
        int[] values = new int[49];
        java.util.Arrays.fill(values, 100 * row + 7);
        writer.write(new Object[] {"extra-" + row, values, 7, 7, 28, 28});
      }
    }
  }

  private static void expectError(String message, String... args) {
    CliRunner.Result result = CliRunner.run(args);
    assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.err()).isEqualTo(2);
    String[] lines = result.err().strip().split("\n");
    assertThat(lines).as("one line: %s", result.err()).hasSize(1);
    assertThat(lines[0]).startsWith("fsq " + args[0] + ": error: ").contains(message);
  }
}

package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.TokenTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decode range-checks every token row: -1, |C|, a count that disagrees with the grid, a grid that is not
 * the model's or null tokens become rows of {@code _rejects/} with the reason, the other rows decode, and a
 * table of nothing but such rows exits with code 3 (issue 10, item 5).
 */
class DecodeInvalidTokensTest {
  @TempDir
  static Path work;

  private static Path mixed;
  private static Path allBad;

  @BeforeAll
  static void tables() throws Exception {
    TokenizerManifest manifest = TokenizerManifest.fromJson(ModelPackage.bundledDefault().manifestJson(), "default");
    Map<String, String> footer = TokenTable.footer(manifest, List.of());
    mixed = Files.createDirectories(work.resolve("mixed"));
    try (ParquetRowWriter writer = writer(mixed, footer)) {
      writer.write(row("good-0", tokens(49, 17), 7, 7));
      writer.write(row("minus-one", withToken(tokens(49, 17), 3, -1), 7, 7));
      writer.write(row("good-1", tokens(49, 999), 7, 7));
      writer.write(row("codebook-size", withToken(tokens(49, 5), 48, 1000), 7, 7));
      writer.write(row("short", tokens(48, 5), 7, 7));
      writer.write(row("other-grid", tokens(49, 5), 1, 49));
      writer.write(row("good-2", tokens(49, 0), 7, 7));
    }
    allBad = Files.createDirectories(work.resolve("all-bad"));
    try (ParquetRowWriter writer = writer(allBad, footer)) {
      writer.write(row("a", withToken(tokens(49, 1), 0, -1), 7, 7));
      writer.write(row("b", tokens(49, 1000), 7, 7));
    }
  }

  @Test
  void invalidRowsBecomeRejectsAndTheOthersDecode() throws Exception {
    Path output = work.resolve("decoded");
    CliRunner.Result result = CliRunner.run("decode", "--master", "local[1]", "--input", mixed.toString(), "--output",
        output.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("decoded 3 images").contains("rejected 4 token rows");
    try (Stream<Path> pngs = Files.list(output.resolve("images"))) {
      assertThat(pngs.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".png")))
          .containsExactlyInAnyOrder("good-0.png", "good-1.png", "good-2.png");
    }
    Map<String, String> rejects = rejects(output);
    assertThat(rejects).containsOnlyKeys("minus-one", "codebook-size", "short", "other-grid");
    assertThat(rejects.get("minus-one")).isEqualTo("tokens: token 3 is -1, outside the codebook 0..999");
    assertThat(rejects.get("codebook-size")).isEqualTo("tokens: token 48 is 1000, outside the codebook 0..999");
    assertThat(rejects.get("short")).isEqualTo("tokens: 48 tokens for a 7x7 grid");
    assertThat(rejects.get("other-grid")).isEqualTo("tokens: a 1x49 token grid, but the model decodes 7x7");
    assertThat(Files.readString(output.resolve("decode.json"))).contains("\"rejected\": 4");
  }

  @Test
  void aTableOfOnlyInvalidRowsExitsWithThree() throws Exception {
    Path output = work.resolve("decoded-all-bad");
    CliRunner.Result result = CliRunner.run("decode", "--master", "local[1]", "--input", allBad.toString(),
        "--output", output.toString());
    assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(3);
    // Before it, decode's console line says what it decodes; the error is the last line.
    String[] lines = result.err().strip().split("\n");
    assertThat(lines[lines.length - 1])
        .startsWith("fsq decode: error: all 2 token rows were rejected; see ")
        .endsWith(output.getFileName() + "/_rejects for the reasons");
    assertThat(rejects(output)).containsOnlyKeys("a", "b");
  }

  private static ParquetRowWriter writer(Path table, Map<String, String> footer) throws Exception {
    return new ParquetRowWriter(new Configuration(), new org.apache.hadoop.fs.Path(
        table.resolve("part-00000.parquet").toUri()), TokenTable.COLUMNS, footer);
  }

  private static Object[] row(String id, int[] tokens, int gridH, int gridW) {
    return new Object[] {id, tokens, gridH, gridW, 28, 28};
  }

  private static int[] tokens(int count, int value) {
    int[] tokens = new int[count];
    java.util.Arrays.fill(tokens, value);
    return tokens;
  }

  private static int[] withToken(int[] tokens, int position, int value) {
    tokens[position] = value;
    return tokens;
  }

  /** id -> "stage: error" of every rejects file. */
  private static Map<String, String> rejects(Path output) throws Exception {
    Map<String, String> rows = new TreeMap<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(output.resolve(TokenTable.REJECTS_DIR))) {
      list.filter(p -> p.getFileName().toString().endsWith(".parquet")).forEach(files::add);
    }
    for (Path file : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
          new org.apache.hadoop.fs.Path(file.toUri())).build()) {
        for (Group group = reader.read(); group != null; group = reader.read()) {
          assertThat(group.getString("source", 0)).endsWith("part-00000.parquet");
          rows.put(group.getString("id", 0), group.getString("stage", 0) + ": " + group.getString("error", 0));
        }
      }
    }
    return rows;
  }
}

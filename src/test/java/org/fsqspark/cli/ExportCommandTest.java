package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.io.Column;
import org.fsqspark.io.ColumnType;
import org.fsqspark.io.IdSplit;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.TokenRow;
import org.fsqspark.io.TokenTable;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.contract.TokenizerManifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fsq export} end to end (issue 14): Python's numpy reads a {@code bin} export and finds every token,
 * label and split size of the table; DuckDB reads a Parquet export and finds the splits disjoint and complete;
 * the split is stable when the seed changes and when the table grows; bad input fails with one line and exit
 * code 2; a killed export, re-run, completes without duplicates; prior train's reader reads the export.
 */
class ExportCommandTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final int ROWS = 400;
  private static final double SHARE = 0.2;

  @TempDir
  static Path work;

  private static TokenizerManifest manifest;
  private static Path table;
  /** id -> tokens and label of the table's exportable rows. */
  private static Map<String, int[]> tokensById;
  private static Map<String, Long> labelById;

  @BeforeAll
  static void writeTable() throws Exception {
    manifest = TokenizerManifest.fromJson(ModelPackage.bundledDefault().manifestJson(), "bundled default");
    tokensById = new TreeMap<>();
    labelById = new TreeMap<>();
    table = writeTable("tokens", 0, ROWS, 3, manifest, true);
  }

  /**
   * Rows {@code img-from .. img-(to-1)} of 7x7 tokens and a label 0..9 in {@code files} part files; with
   * {@code bad}, two more rows that cannot be exported (a token past |C|, a short grid).
   */
  private static Path writeTable(String name, int from, int to, int files, TokenizerManifest tokenizer, boolean bad)
      throws IOException {
    Path folder = Files.createDirectories(work.resolve(name));
    List<Column> passthrough = List.of(Column.optional("label", ColumnType.INT));
    List<Column> columns = new ArrayList<>(TokenTable.COLUMNS);
    columns.addAll(passthrough);
    Random random = new Random(from * 31L + to);
    for (int f = 0; f < files; f++) {
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(folder.resolve(
          String.format("part-%05d.parquet", f)).toUri());
      try (ParquetRowWriter writer = new ParquetRowWriter(new Configuration(), file, columns,
          TokenTable.footer(tokenizer, passthrough))) {
        for (int i = from + f; i < to; i += files) {
          int[] tokens = random.ints(49, 0, 1000).toArray();
          String id = "img-" + i;
          writer.write(new Object[] {id, tokens, 7, 7, 28, 28, i % 10});
          if (tokensById != null && name.equals("tokens")) {
            tokensById.put(id, tokens);
            labelById.put(id, (long) (i % 10));
          }
        }
        if (bad && f == 0) {
          int[] outside = new int[49];
          outside[3] = 1000;
          writer.write(new Object[] {"bad-token", outside, 7, 7, 28, 28, 1});
          writer.write(new Object[] {"bad-grid", new int[48], 7, 7, 28, 28, 2});
        }
      }
    }
    return folder;
  }

  private static CliRunner.Result export(Path input, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("export", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--input", input.toString(), "--output", output.toString()));
    args.addAll(List.of(extra));
    return CliRunner.run(args.toArray(String[]::new));
  }

  private static void assertSucceeded(CliRunner.Result result) {
    assertThat(result.exitCode()).as(result.err() + result.out()).isZero();
  }

  private static String expectedSplit(String id) {
    return new IdSplit(SHARE).isValidation(id) ? "validation" : "train";
  }

  /** The reference the Python check compares with: every exportable row's tokens, label and split. */
  private static Path reference(String dtype) throws IOException {
    JsonObject rows = new JsonObject();
    for (Map.Entry<String, int[]> row : tokensById.entrySet()) {
      JsonObject entry = new JsonObject();
      JsonArray tokens = new JsonArray();
      for (int token : row.getValue()) {
        tokens.add(token);
      }
      entry.add("tokens", tokens);
      entry.addProperty("label", labelById.get(row.getKey()));
      entry.addProperty("split", expectedSplit(row.getKey()));
      rows.add(row.getKey(), entry);
    }
    JsonObject root = new JsonObject();
    root.add("rows", rows);
    root.addProperty("dtype", dtype);
    Path file = work.resolve("reference-" + System.nanoTime() + ".json");
    Files.writeString(file, root.toString());
    return file;
  }

  private static String checkWithNumpy(Path export, String dtype) throws Exception {
    Assumptions.assumeTrue(numpyAvailable(), "python3-numpy is not installed (scripts/test installs it with apt)");
    Path script = work.resolve("check_bin.py");
    try (var in = ExportCommandTest.class.getResourceAsStream("/export/check_bin.py")) {
      Files.write(script, in.readAllBytes());
    }
    Process process = new ProcessBuilder(PYTHON, script.toString(), export.toString(), reference(dtype).toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private static boolean numpyAvailable() {
    try {
      Process process = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void numpyReadsTheBinExportAndFindsEveryTokenLabelAndSplitOfTheTable() throws Exception {
    Path output = work.resolve("bin");
    CliRunner.Result result = export(table, output, "--format", "bin", "--validation", String.valueOf(SHARE),
        "--rows-per-file", "70", "--seed", "7");
    assertSucceeded(result);
    assertThat(result.out()).contains("2 rejected");
    String checked = checkWithNumpy(output, "<u2");
    assertThat(checked).contains("OK: " + ROWS + " rows, each exactly once, dtype <u2");
    // 2 bytes per token, plus a small index and the ids.
    JsonObject header = JsonParser.parseString(Files.readString(output.resolve("header.json"))).getAsJsonObject();
    assertThat(header.get("row_tokens").getAsInt()).isEqualTo(49);
    assertThat(header.getAsJsonObject("manifest").get("name").getAsString()).isEqualTo(manifest.name());
    long train = header.getAsJsonObject("splits").getAsJsonObject("train").get("rows").getAsLong();
    try (Stream<Path> bins = Files.list(output.resolve("train"))) {
      long bytes = bins.filter(p -> p.toString().endsWith(".bin")).mapToLong(p -> p.toFile().length()).sum();
      assertThat(bytes).isEqualTo(train * 49 * 2);
    }
    // The rejects say why, in Parquet.
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT id, error FROM '" + output.resolve("_rejects") + "/*.parquet'"
            + " ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("bad-grid");
      assertThat(rs.getString(2)).contains("48 tokens for a 7x7 grid");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("bad-token");
      assertThat(rs.getString(2)).contains("token 3 is 1000");
    }
  }

  @Test
  void theClassTokenPrefixIsTheLabelOffsetByTheCodebookSize() throws Exception {
    Path output = work.resolve("bin-prefix");
    assertSucceeded(export(table, output, "--format", "bin", "--validation", String.valueOf(SHARE),
        "--rows-per-file", "500", "--prefix", "label"));
    JsonObject header = JsonParser.parseString(Files.readString(output.resolve("header.json"))).getAsJsonObject();
    assertThat(header.get("row_tokens").getAsInt()).isEqualTo(50);
    assertThat(header.getAsJsonObject("prefix").get("offset").getAsInt()).isEqualTo(1000);
    assertThat(header.getAsJsonObject("prefix").get("classes").getAsInt()).isEqualTo(10);
    assertThat(checkWithNumpy(output, "<u2")).contains("OK: " + ROWS + " rows");
  }

  @Test
  void duckDbSeesTheParquetSplitsDisjointAndCompleteWithHuggingFaceFeatures() throws Exception {
    Path output = work.resolve("parquet");
    assertSucceeded(export(table, output, "--format", "parquet", "--validation", String.valueOf(SHARE),
        "--rows-per-file", "90"));
    String train = "'" + output.resolve("train") + "/*.parquet'";
    String validation = "'" + output.resolve("validation") + "/*.parquet'";
    String source = "'" + table + "/*.parquet'";
    long expectedValidation = tokensById.keySet().stream().filter(id -> expectedSplit(id).equals("validation"))
        .count();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      try (ResultSet rs = statement.executeQuery("SELECT (SELECT count(*) FROM " + train + "), (SELECT count(*) FROM "
          + validation + "), (SELECT count(*) FROM " + train + " t JOIN " + validation + " v USING (id)),"
          + " (SELECT count(DISTINCT id) FROM (SELECT id FROM " + train + " UNION ALL SELECT id FROM " + validation
          + ")), (SELECT count(*) FROM (SELECT id, tokens, label FROM " + train + " UNION ALL SELECT id, tokens, label"
          + " FROM " + validation + ") e JOIN " + source + " s USING (id) WHERE e.tokens = s.tokens"
          + " AND e.label = s.label)")) {
        rs.next();
        assertThat(rs.getLong(1) + rs.getLong(2)).isEqualTo(ROWS);
        assertThat(rs.getLong(2)).isEqualTo(expectedValidation);
        assertThat(rs.getLong(3)).as("ids in both splits").isZero();
        assertThat(rs.getLong(4)).as("distinct ids across the splits").isEqualTo(ROWS);
        assertThat(rs.getLong(5)).as("rows equal to the table's").isEqualTo(ROWS);
      }
      try (ResultSet rs = statement.executeQuery("SELECT typeof(tokens) FROM " + train + " LIMIT 1")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("INTEGER[]");
      }
      // Every file's footer carries the features Hugging Face datasets reads, and the tokenizer manifest.
      try (ResultSet rs = statement.executeQuery("SELECT count(DISTINCT file_name), min(decode(value)),"
          + " max(decode(value)) FROM parquet_kv_metadata(" + train + ") WHERE decode(key) = 'huggingface'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo((ROWS - expectedValidation + 89) / 90);
        JsonObject features = JsonParser.parseString(rs.getString(2)).getAsJsonObject().getAsJsonObject("info")
            .getAsJsonObject("features");
        assertThat(features.getAsJsonObject("tokens").get("_type").getAsString()).isEqualTo("Sequence");
        assertThat(features.getAsJsonObject("tokens").getAsJsonObject("feature").get("dtype").getAsString())
            .isEqualTo("int32");
        assertThat(features.getAsJsonObject("label").get("_type").getAsString()).isEqualTo("ClassLabel");
        assertThat(features.getAsJsonObject("label").getAsJsonArray("names")).hasSize(10);
        assertThat(rs.getString(2)).isEqualTo(rs.getString(3));
      }
      // Files of a split hold at most --rows-per-file rows and are within one row of each other.
      try (ResultSet rs = statement.executeQuery("SELECT min(n), max(n) FROM (SELECT filename, count(*) n FROM"
          + " read_parquet(" + train + ", filename = true) GROUP BY filename)")) {
        rs.next();
        assertThat(rs.getLong(2) - rs.getLong(1)).isLessThanOrEqualTo(1);
        assertThat(rs.getLong(2)).isLessThanOrEqualTo(90);
      }
    }
  }

  @Test
  void priorTrainsReaderReadsTheParquetExportWithTheSameSplit() throws Exception {
    Path output = work.resolve("parquet-for-prior");
    assertSucceeded(export(table, output, "--format", "parquet", "--validation", String.valueOf(SHARE)));
    TokenTableReader reader = TokenTableReader.open(new Configuration(), output.toString());
    assertThat(reader.manifest()).isEqualTo(manifest);
    assertThat(reader.rowCount()).isEqualTo(ROWS);
    Set<String> validation = new HashSet<>();
    try (TokenTableReader.RowStream rows = reader.rows(new IdSplit(SHARE), IdSplit.Part.VALIDATION,
        List.of("label"))) {
      while (rows.hasNext()) {
        TokenRow row = rows.next();
        validation.add(row.id());
        assertThat(row.tokens()).isEqualTo(tokensById.get(row.id()));
        assertThat(row.passthrough()[0]).isEqualTo(labelById.get(row.id()));
      }
    }
    Set<String> exported = new HashSet<>();
    try (TokenTableReader.RowStream rows = TokenTableReader.open(new Configuration(),
        output.resolve("validation").toString()).rows(new IdSplit(0), IdSplit.Part.ALL, List.of())) {
      rows.forEachRemaining(row -> exported.add(row.id()));
    }
    assertThat(validation).isEqualTo(exported).isNotEmpty();
  }

  @Test
  void theSplitIsStableWhenTheSeedChangesAndWhenTheTableGrows() throws Exception {
    Path grown = writeTable("grown", 0, ROWS * 3, 5, manifest, false);
    Map<String, List<String>> seed1 = exportedIds(table, "stable-1", "1");
    Map<String, List<String>> seed2 = exportedIds(table, "stable-2", "2");
    Map<String, List<String>> bigger = exportedIds(grown, "stable-grown", "1");
    assertThat(new HashSet<>(seed1.get("validation"))).isEqualTo(new HashSet<>(seed2.get("validation")));
    assertThat(new HashSet<>(seed1.get("train"))).isEqualTo(new HashSet<>(seed2.get("train")));
    // The seed shuffles: the same rows in another order.
    assertThat(seed1.get("train")).isNotEqualTo(seed2.get("train"));
    assertThat(bigger.get("validation")).containsAll(seed1.get("validation"));
    assertThat(bigger.get("train")).containsAll(seed1.get("train"));
    assertThat(bigger.get("train").size() + bigger.get("validation").size()).isEqualTo(ROWS * 3);
  }

  /** Split -> ids in file and row order of a bin export. */
  private static Map<String, List<String>> exportedIds(Path input, String name, String seed) throws IOException {
    Path output = work.resolve(name);
    assertSucceeded(export(input, output, "--format", "bin", "--validation", String.valueOf(SHARE), "--seed", seed,
        "--rows-per-file", "100"));
    Map<String, List<String>> ids = new LinkedHashMap<>();
    for (String split : List.of("train", "validation")) {
      List<String> list = new ArrayList<>();
      try (Stream<Path> files = Files.list(output.resolve(split))) {
        for (Path file : files.filter(p -> p.toString().endsWith(".ids.jsonl")).sorted().toList()) {
          for (String line : Files.readAllLines(file)) {
            list.add(JsonParser.parseString(line).getAsString());
          }
        }
      }
      ids.put(split, list);
    }
    return ids;
  }

  @Test
  void badInputFailsWithOneLineAndExitCodeTwo() throws Exception {
    // A table of two tokenizers.
    Path mixed = writeTable("mixed", 0, 20, 1, manifest, false);
    JsonObject json = JsonParser.parseString(manifest.toJson()).getAsJsonObject();
    JsonArray levels = new JsonArray();
    List.of(10, 10, 10).forEach(levels::add);
    json.add("levels", levels);
    TokenizerManifest other = TokenizerManifest.fromJson(json.toString(), "test manifest");
    Path otherTable = writeTable("other", 20, 40, 1, other, false);
    Files.move(otherTable.resolve("part-00000.parquet"), mixed.resolve("part-00001.parquet"));
    expectOneLine(export(mixed, work.resolve("out-mixed"), "--format", "bin"),
        "mixes tokenizers: part-00000.parquet and part-00001.parquet differ in levels (8,5,5,5 vs 10,10,10)");
    assertThat(work.resolve("out-mixed")).doesNotExist();

    // An output that holds something else.
    Path occupied = Files.createDirectories(work.resolve("occupied"));
    Files.writeString(occupied.resolve("notes.txt"), "mine");
    expectOneLine(export(table, occupied, "--format", "parquet"), "is not empty and was not made by fsq");
    expectOneLine(export(table, occupied, "--format", "parquet", "--overwrite"), "is not empty and was not made by fsq");
    assertThat(occupied.resolve("notes.txt")).hasContent("mine");
    // An output inside the input.
    expectOneLine(export(table, table.resolve("export"), "--format", "parquet"), "lies inside --input");

    // Split shares outside (0, 1).
    for (String share : List.of("0", "1", "1.5", "-0.1")) {
      expectOneLine(export(table, work.resolve("out-share"), "--format", "bin", "--validation", share),
          "--validation must be a share strictly between 0 and 1 (e.g. 0.01), got ");
    }
    assertThat(work.resolve("out-share")).doesNotExist();
    expectOneLine(export(table, work.resolve("out-prefix"), "--format", "parquet", "--prefix", "label"),
        "--prefix label applies to --format bin only");
  }

  private static void expectOneLine(CliRunner.Result result, String expected) {
    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err()).contains(expected);
    assertThat(result.err().strip().lines().count()).as(result.err()).isEqualTo(1);
  }

  @Test
  void aRowTheReaderCannotReadBecomesARejectAndTheOtherRowsAreExported() throws Exception {
    Path damaged = Files.createDirectories(work.resolve("damaged"));
    List<Column> columns = new ArrayList<>(TokenTable.COLUMNS);
    columns.set(1, Column.optional(TokenTable.TOKENS, ColumnType.INT_LIST));
    try (ParquetRowWriter writer = new ParquetRowWriter(new Configuration(), new org.apache.hadoop.fs.Path(
        damaged.resolve("part-00000.parquet").toUri()), columns, TokenTable.footer(manifest, List.of()))) {
      for (int i = 0; i < 30; i++) {
        writer.write(new Object[] {"ok-" + i, new int[49], 7, 7, 28, 28});
      }
      writer.write(new Object[] {"no-tokens", null, 7, 7, 28, 28});
    }
    Path output = work.resolve("damaged-export");
    CliRunner.Result result = export(damaged, output, "--format", "bin", "--validation", "0.1");
    assertSucceeded(result);
    assertThat(result.out()).contains("1 rejected");
    JsonObject header = JsonParser.parseString(Files.readString(output.resolve("header.json"))).getAsJsonObject();
    assertThat(header.get("label").isJsonNull()).isTrue();
    JsonObject splits = header.getAsJsonObject("splits");
    assertThat(splits.getAsJsonObject("train").get("rows").getAsLong()
        + splits.getAsJsonObject("validation").get("rows").getAsLong()).isEqualTo(30);
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT id, stage, error FROM '" + output.resolve("_rejects")
            + "/*.parquet'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("no-tokens");
      assertThat(rs.getString(2)).isEqualTo("export");
      assertThat(rs.getString(3)).contains("has null tokens");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void aKilledExportRerunCompletesWithoutDuplicates() throws Exception {
    Path output = work.resolve("resumed");
    String[] options = {"--format", "bin", "--validation", String.valueOf(SHARE), "--rows-per-file", "50",
        "--seed", "3"};
    assertSucceeded(export(table, output, options));
    Map<String, byte[]> complete = contents(output);

    // What a run killed while committing leaves: no header, one shard never written, one shard half committed
    // (its ids and index renamed, its tokens not), and an attempt's files under _temporary/.
    Files.delete(output.resolve("header.json"));
    Files.delete(output.resolve("train/part-00002.bin"));
    Files.delete(output.resolve("train/part-00002.index.npy"));
    Files.delete(output.resolve("train/part-00002.ids.jsonl"));
    Files.delete(output.resolve("train/part-00004.bin"));
    Path stray = Files.createDirectories(output.resolve("_temporary/attempt-99/train"));
    Files.write(stray.resolve("part-00004.bin"), new byte[] {1, 2, 3});

    // Another seed would not fill the same files: refused.
    List<String> otherSeed = new ArrayList<>(List.of(options));
    otherSeed.set(otherSeed.size() - 1, "4");
    expectOneLine(export(table, output, otherSeed.toArray(String[]::new)),
        "holds an unfinished export that differs in seed (3 then, 4 now)");

    CliRunner.Result rerun = export(table, output, options);
    assertSucceeded(rerun);
    assertThat(rerun.out()).contains("finishing the unfinished export").contains("were committed by the earlier run");
    assertThat(output.resolve("_temporary")).doesNotExist();
    Map<String, byte[]> resumed = contents(output);
    complete.remove("header.json");
    resumed.remove("header.json");
    assertThat(resumed.keySet()).isEqualTo(complete.keySet());
    for (String name : complete.keySet()) {
      assertThat(resumed.get(name)).as(name).isEqualTo(complete.get(name));
    }
    assertThat(checkWithNumpy(output, "<u2")).contains("OK: " + ROWS + " rows, each exactly once");

    // A complete export is replaced only with --overwrite.
    expectOneLine(export(table, output, options), "already holds a complete export");
    assertSucceeded(export(table, output, "--format", "parquet", "--validation", String.valueOf(SHARE),
        "--overwrite"));
    assertThat(output.resolve("train/part-00000.bin")).doesNotExist();
    assertThat(output.resolve("train/part-00000.parquet")).exists();
  }

  /** Every data file of an export (not the run record) by relative path. */
  private static Map<String, byte[]> contents(Path output) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(output)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String name = output.relativize(file).toString();
        if (!name.startsWith("_run.json") && !name.startsWith("_fsq_output.json") && !name.contains(".crc")) {
          files.put(name, Files.readAllBytes(file));
        }
      }
    }
    return files;
  }
}

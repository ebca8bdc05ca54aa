package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.fsqspark.io.SampleImages;
import org.fsqspark.io.TokenTable;
import org.fsqspark.jobs.SparkTestSupport;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.contract.TokenizerManifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mistakes a new user makes (issue 16), each run as a user runs it: the exit code, and what the console
 * shows for the mistake, at most three lines that name the problem. Console noise from Spark's own logging is
 * checked with separate processes in {@link QuietConsoleTest}.
 */
class FirstContactTest {
  @TempDir
  static Path work;

  private static Path images;
  private static Path tokens;

  @BeforeAll
  static void table() throws Exception {
    images = work.resolve("images");
    SampleImages.writePngs(images, 40);
    tokens = work.resolve("tokens");
    CliRunner.Result made = CliRunner.run("tokenize", "--master", "local[2]", "--input", images.toString(), "--output",
        tokens.toString(), "--progress-interval", "0");
    assertThat(made.exitCode()).as(made.err()).isZero();
  }

  @Test
  void statsOrDecodeOnAnEmptyFolderOrAFolderOfImagesIsOneLine() throws Exception {
    Path empty = Files.createDirectories(work.resolve("empty"));
    CliRunner.Result stats = expect(2, "stats", "--input", empty.toString(), "--output", work.resolve("s-empty").toString());
    assertThat(stats.err()).contains("has no part files").doesNotContain("UNABLE_TO_INFER_SCHEMA");
    CliRunner.Result decode = expect(2, "decode", "--input", empty.toString(), "--output", work.resolve("d-empty").toString());
    assertThat(decode.err()).contains("has no part files");
    CliRunner.Result onImages = expect(2, "stats", "--input", images.toString(), "--output", work.resolve("s-img").toString());
    assertThat(onImages.err()).contains("holds images", "fsq tokenize --input " + images);
    assertThat(work.resolve("s-empty")).doesNotExist();
  }

  @Test
  void statsRefusesAnUnrelatedNonEmptyFolder() throws Exception {
    Path mine = Files.createDirectories(work.resolve("my-documents"));
    Files.writeString(mine.resolve("thesis.tex"), "mine");
    CliRunner.Result result = expect(2, "stats", "--master", "local[1]", "--input", tokens.toString(), "--output",
        mine.toString(), "--no-compression");
    assertThat(result.err()).contains("thesis.tex");
    try (Stream<Path> files = Files.list(mine)) {
      assertThat(files).containsExactly(mine.resolve("thesis.tex"));
    }
  }

  @Test
  void manifestMistakesNameTheFieldAndTheFix() throws Exception {
    Path model = ModelPackage.bundledDefault().materialize(work.resolve("model-no-range")).directory();
    Path manifest = model.resolve(TokenizerManifest.FILE_NAME);
    Files.writeString(manifest, Files.readString(manifest).replaceAll("\"pixel_range\"\\s*:\\s*\\[[^]]*\\],", ""));
    CliRunner.Result noRange = expect(2, "tokenize", "--input", images.toString(), "--output",
        work.resolve("t-range").toString(), "--model", model.toString());
    assertThat(noRange.err()).contains("pixel_range is missing", "required").doesNotContain("must be a JSON array");

    String cosmos = """
        {"name": "n", "version": "1", "format": "torchscript", "levels": [8, 5, 5, 5], "bound": "%s",
         "channels": 3, "input_size": [64, 32], "pixel_range": [-1, 1], "downsample": 8, %s "weights": "e.pt"}
        """;
    assertThatManifest(cosmos.formatted("none", ""), "output is missing");
    assertThatManifest(cosmos.formatted("atanh", "\"output\": \"indices\","), "bound must be none, got atanh");
    TokenizerManifest ordered = TokenizerManifest.fromJson(cosmos.formatted("none", "\"output\": \"indices\","), "m");
    assertThat(ordered.inputHeight()).as("input_size is [height, width]").isEqualTo(64);
    assertThat(ordered.inputWidth()).isEqualTo(32);
    assertThat(ordered.gridHeight()).isEqualTo(8);
    assertThat(ordered.gridWidth()).isEqualTo(4);
  }

  private static void assertThatManifest(String json, String message) {
    try {
      TokenizerManifest.fromJson(json, "tokenizer.json");
      throw new AssertionError("accepted: " + json);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).contains(message);
    }
  }

  @Test
  void unclearLinesAreClear() throws Exception {
    assertThatThrownMessage(() -> new org.fsqspark.stats.TokenGrid(new int[49], -7, -7), "-7x-7, which is not a grid");
    assertThatThrownMessage(() -> new org.fsqspark.stats.TokenGrid(new int[0], 0, 7), "0x7, which is not a grid");

    Path damaged = work.resolve("t-damaged");
    CliRunner.Result first = CliRunner.run("tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
        damaged.toString(), "--progress-interval", "0");
    assertThat(first.exitCode()).as(first.err()).isZero();
    Files.writeString(damaged.resolve(org.fsqspark.shard.ShardedOutput.RUN_FILE), "{\"input\": ");
    CliRunner.Result resumed = expect(2, "tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
        damaged.toString(), "--progress-interval", "0");
    assertThat(resumed.err()).contains(org.fsqspark.shard.ShardedOutput.RUN_FILE, "--overwrite").doesNotContain("JsonSyntaxException");

    Path profile = work.resolve("bad.properties");
    Files.writeString(profile, "spark.local.dir=C:\\users\\me\n");
    CliRunner.Result badProfile = expect(2, "stats", "--profile", profile.toString(), "--input", tokens.toString(),
        "--output", work.resolve("s-profile").toString());
    assertThat(badProfile.err()).contains(profile.toString(), "backslash");

    Path blocker = Files.writeString(work.resolve("a-file"), "x");
    CliRunner.Result blocked = expect(2, "tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
        blocker.resolve("sub").toString(), "--progress-interval", "0");
    assertThat(blocked.err()).contains(blocker.toString()).containsAnyOf("not a folder", "a file is in the way",
        "is a file");

    Path loop = Files.createDirectories(work.resolve("loop/sub"));
    Files.copy(images.resolve(firstImage()), loop.resolve("a.png"));
    Files.createSymbolicLink(loop.resolve("up"), loop.getParent());
    CliRunner.Result looped = expect(2, "tokenize", "--input", loop.getParent().toString(), "--output",
        work.resolve("t-loop").toString());
    assertThat(looped.err()).contains("symbolic link loop", "up");
  }

  private static void assertThatThrownMessage(Runnable action, String message) {
    try {
      action.run();
      throw new AssertionError("no exception");
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).contains(message);
    }
  }

  @Test
  void commandLineMistakesAreOneLineWithoutTheHelpWall() {
    CliRunner.Result missing = expect(2, "tokenize", "--input", images.toString());
    assertThat(missing.err()).contains("Missing required option", "--output", "fsq tokenize --help")
        .doesNotContain("Usage:");
    CliRunner.Result nothing = expect(2);
    assertThat(nothing.err()).contains("no command given", "tokenize");
    CliRunner.Result typo = expect(2, "tokenze");
    assertThat(typo.err()).contains("did you mean tokenize");
    CliRunner.Result prior = expect(2, "prior");
    assertThat(prior.err()).contains("no command given", "train", "sample");
  }

  @Test
  void helpKeepsSettingsWholeAndPlaceholdersAlike() {
    String[][] commands = {{"levels"}, {"codebook"}, {"quantize"}, {"tokenize"}, {"stats"}, {"train"}, {"decode"},
        {"samples"}, {"prior", "train"}, {"prior", "sample"}};
    for (String[] command : commands) {
      String[] args = Arrays.copyOf(command, command.length + 1);
      args[command.length] = "--help";
      CliRunner.Result help = CliRunner.run(args);
      assertThat(help.exitCode()).isZero();
      String text = help.out();
      assertThat(text).as("placeholders are words in capitals or choices, never picocli's <name>")
          .doesNotContain("=<");
      List<String> lines = text.lines().toList();
      for (int i = 0; i + 1 < lines.size(); i++) {
        // A line ending in "word." or "word-" followed by a continuation line means a token was cut in two.
        // ("e.g." and "i.e." end a line legitimately.)
        boolean cut = lines.get(i).matches(".*[a-z0-9][.\\-]$") && !lines.get(i).matches(".*\\b(e\\.g|i\\.e)\\.$")
            && lines.get(i + 1).matches("\\s+[a-z0-9].*");
        assertThat(cut).as("help of %s cut a token at line %d:%n%s%n%s", String.join(" ", command), i,
            lines.get(i), lines.get(i + 1)).isFalse();
      }
    }
    assertThat(CliRunner.run("stats", "--help").out()).contains("spark.hadoop.fs.s3a.endpoint=...");
    assertThat(CliRunner.run("tokenize", "--help").out()).contains("spark.task.cpus");
  }

  @Test
  void versionIsTheBuildsVersion() throws Exception {
    CliRunner.Result version = CliRunner.run("--version");
    assertThat(version.exitCode()).isZero();
    Matcher pom = Pattern.compile("<artifactId>fsq-spark</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(pom.find()).isTrue();
    assertThat(version.out()).contains("fsq-spark " + pom.group(1), "Spark 4").doesNotContain("development build");
  }

  @Test
  void theDemoSuggestsOnlyTestedReaders() throws Exception {
    // pyarrow is not installable where this project is built, so the demo does not suggest it untested.
    assertThat(Files.readString(Path.of("scripts/demo"))).doesNotContain("pyarrow").contains("duckdb");
  }

  @Test
  void theReportListsTheTwentyTopCodesWithTheirDigits() throws Exception {
    Path stats = work.resolve("s-report");
    CliRunner.Result result = CliRunner.run("stats", "--master", "local[1]", "--input", tokens.toString(), "--output",
        stats.toString(), "--no-compression");
    assertThat(result.exitCode()).as(result.err()).isZero();
    String html = Files.readString(stats.resolve("report.html"));
    String table = html.substring(html.indexOf("Most frequent codes"));
    Matcher rows = Pattern.compile("<tr><td>(\\d+)</td><td>\\[(\\d+), (\\d+), (\\d+), (\\d+)]</td>").matcher(table);
    int count = 0;
    while (rows.find()) {
      int code = Integer.parseInt(rows.group(1));
      int[] digits = {code % 8, code / 8 % 5, code / 40 % 5, code / 200};
      assertThat(new int[] {Integer.parseInt(rows.group(2)), Integer.parseInt(rows.group(3)),
          Integer.parseInt(rows.group(4)), Integer.parseInt(rows.group(5))}).isEqualTo(digits);
      count++;
    }
    assertThat(count).isEqualTo(org.fsqspark.stats.TableStatistics.TOP);
  }

  @Test
  void danglingLinksAreRejectsAndCleanTablesHaveNoEmptyRejectFiles() throws Exception {
    Path folder = Files.createDirectories(work.resolve("with-link"));
    for (int i = 0; i < 3; i++) {
      Files.copy(images.resolve(firstImage()), folder.resolve("img" + i + ".png"));
    }
    Files.createSymbolicLink(folder.resolve("gone.png"), work.resolve("no-such-file.png"));
    Path secret = Files.writeString(work.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    Files.createSymbolicLink(folder.resolve("passwd.png"), secret);
    Path out = work.resolve("t-link");
    CliRunner.Result result = CliRunner.run("tokenize", "--master", "local[1]", "--input", folder.toString(),
        "--output", out.toString(), "--progress-interval", "0");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("tokenized 3 of 5 images (2 rejected)");
    List<Row> rejects = SparkTestSupport.local().read().parquet(out.resolve(TokenTable.REJECTS_DIR).toString())
        .collectAsList();
    String gone = rejects.stream().filter(row -> row.getString(0).equals("gone.png")).findFirst().orElseThrow()
        .getString(3);
    assertThat(gone).contains("symbolic link", "no-such-file.png");
    String passwd = rejects.stream().filter(row -> row.getString(0).equals("passwd.png")).findFirst().orElseThrow()
        .getString(3);
    assertThat(passwd).contains("not a recognised image format").doesNotContain("72 6f 6f 74").doesNotContain("root");

    // The first table had no rejects: no _rejects files at all, so one glob reads every Parquet file.
    assertThat(tokens.resolve(TokenTable.REJECTS_DIR)).doesNotExist();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM '" + tokens + "/**/*.parquet'")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong(1)).isEqualTo(40);
    }
  }

  @Test
  void aBrokenTarIsNotCountedAsAnImage() throws Exception {
    Path folder = Files.createDirectories(work.resolve("wds"));
    Path tarFile = folder.resolve("shard-000.tar");
    byte[] png = Files.readAllBytes(images.resolve(firstImage()));
    try (java.io.OutputStream file = Files.newOutputStream(tarFile);
        org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
            new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(file)) {
      for (String key : new String[] {"a", "b"}) {
        org.apache.commons.compress.archivers.tar.TarArchiveEntry entry =
            new org.apache.commons.compress.archivers.tar.TarArchiveEntry(key + ".png");
        entry.setSize(png.length);
        tar.putArchiveEntry(entry);
        tar.write(png);
        tar.closeArchiveEntry();
      }
    }
    // Cut inside the second sample's bytes: the first sample is whole, the tar breaks off.
    byte[] whole = Files.readAllBytes(tarFile);
    Files.write(tarFile, Arrays.copyOf(whole, 512 + ((png.length + 511) / 512) * 512 + 512 + png.length / 2));
    CliRunner.Result result = CliRunner.run("tokenize", "--master", "local[1]", "--input", folder.toString(),
        "--output", work.resolve("t-tar").toString(), "--progress-interval", "0");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("tokenized 1 of 1 images (0 rejected)", "1 file(s) could not be read");
  }

  @Test
  void progressDoesNotRepeatNothing() throws Exception {
    CliRunner.Result result = CliRunner.run("tokenize", "--master", "local[2]", "--input", images.toString(),
        "--output", work.resolve("t-progress").toString(), "--progress-interval", "1", "--files-per-shard", "5",
        "--batch-size", "2");
    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> waiting = result.err().lines().filter(line -> line.startsWith("tokenize: 0/")).toList();
    assertThat(result.err()).doesNotContain("0.0 images/s");
    assertThat(waiting).as("one line per state (0, 1 or 2 tasks running) at most: %s", waiting).hasSizeLessThanOrEqualTo(3)
        .doesNotHaveDuplicates();
  }

  private static String firstImage() throws Exception {
    try (Stream<Path> files = Files.walk(images)) {
      return images.relativize(files.filter(file -> file.toString().endsWith(".png")).sorted().findFirst()
          .orElseThrow()).toString();
    }
  }

  /** Runs a command that must fail with {@code code}, and checks that it says so in at most three lines. */
  static CliRunner.Result expect(int code, String... args) {
    CliRunner.Result result = CliRunner.run(args);
    String console = (result.out() + result.err()).strip();
    assertThat(result.exitCode()).as("fsq %s%n%s", String.join(" ", args), console).isEqualTo(code);
    assertThat(console.lines().count()).as("at most three lines: %s", console).isBetween(1L, 3L);
    assertThat(console).contains(": error: ").doesNotContain("\tat ");
    return result;
  }
}

package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.io.Column;
import org.fsqspark.io.ColumnType;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.SampleImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ids are the literal relative path of each file, as {@code ls} shows it: '#', '?', '%' and spaces are
 * ordinary characters, not URI syntax, and a name that is not UTF-8 keeps its own id (its bad bytes written
 * {@code \xHH}, a backslash {@code \\}). A file name never fails the job: each file is tokenized under its
 * own id, or (for a Parquet file Hadoop cannot name) one {@code read} reject.
 */
class LiteralIdsTest {
  @TempDir
  static Path work;

  private static byte[] png;

  @BeforeAll
  static void samplePng() throws Exception {
    SampleImages.writePngs(work.resolve("samples"), 1);
    png = Files.readAllBytes(work.resolve("samples/ankle_boot/test-00000.png"));
  }

  @Test
  void folderIdsAreTheLiteralRelativePaths() throws Exception {
    Path input = Files.createDirectories(work.resolve("names"));
    List<String> plainNames = List.of("img#1.png", "q?mark.png", "x%20y.png", "a b.png", "plain.png",
        "sub/\u00e9t\u00e9.png", "back\\slash.png");
    for (String name : plainNames) {
      Files.createDirectories(input.resolve(name).getParent());
      Files.write(input.resolve(name), png);
    }
    // Names with bytes 0xFF and 0xFE, which are not UTF-8: made from the raw bytes through a file: URI, the one
    // way java.nio takes bytes whatever sun.jnu.encoding is. Read as UTF-8 both would be "bad\uFFFD.png".
    Files.write(rawName(input, "bad%FF.png"), png);
    Files.write(rawName(input, "bad%FE.png"), png);
    assertThat(Files.list(input).count()).isEqualTo(9);  // 8 files and sub/

    Path tokens = work.resolve("names-tokens");
    CliRunner.Result result = CliRunner.run("tokenize", "--master", "local[1]", "--input", input.toString(), "--output",
        tokens.toString(), "--progress-interval", "0");
    assertThat(result.exitCode()).as(result.err()).isZero();

    List<String> expected = List.of("img#1.png", "q?mark.png", "x%20y.png", "a b.png", "plain.png",
        "sub/\u00e9t\u00e9.png", "back\\\\slash.png", "bad\\xFF.png", "bad\\xFE.png");
    List<String> ids = strings("SELECT id FROM read_parquet('" + tokens + "/part-*.parquet')");
    assertThat(ids).as("one row per file, each under its literal name").hasSize(9).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected);
    // No rejects: only shards with rejects write a rejects file.
    assertThat(tokens.resolve("_rejects")).doesNotExist();

    // A glob lists the same names (Hadoop's local globbing would drop the two that are not UTF-8).
    Path globTokens = work.resolve("names-glob-tokens");
    CliRunner.Result glob = CliRunner.run("tokenize", "--master", "local[1]", "--input", input + "/*.png", "--output",
        globTokens.toString(), "--progress-interval", "0");
    assertThat(glob.exitCode()).as(glob.err()).isZero();
    assertThat(strings("SELECT id FROM read_parquet('" + globTokens + "/part-*.parquet')"))
        .containsExactlyInAnyOrderElementsOf(expected.stream().filter(id -> !id.startsWith("sub/")).toList());

    // Decode finds every original by its id and names every PNG after it.
    Path decoded = work.resolve("names-decoded");
    CliRunner.Result decode = CliRunner.run("decode", "--master", "local[1]", "--input", tokens.toString(), "--output",
        decoded.toString(), "--originals", input.toString());
    assertThat(decode.exitCode()).as(decode.err()).isZero();
    assertThat(Files.readString(decoded.resolve("decode.json"))).contains("\"compared_with_originals\": 9",
        "\"originals_missing\": 0");
    for (String id : expected) {
      assertThat(decoded.resolve("images").resolve(id)).as(id).exists();
    }
  }

  @Test
  void aNameThatIsNotUtf8NeverFailsTheJob() throws Exception {
    // A tar and a Parquet file with byte 0xFF in their names, beside good ones.
    Path tars = Files.createDirectories(work.resolve("tars"));
    writeTar(tars.resolve("good.tar"), "a");
    writeTar(rawName(tars, "shard%FF.tar"), "b");
    Path tarTokens = work.resolve("tars-tokens");
    CliRunner.Result tarRun = CliRunner.run("tokenize", "--master", "local[1]", "--input", tars.toString(), "--output",
        tarTokens.toString(), "--progress-interval", "0");
    assertThat(tarRun.exitCode()).as(tarRun.err()).isZero();
    assertThat(strings("SELECT id FROM read_parquet('" + tarTokens + "/part-*.parquet')"))
        .containsExactlyInAnyOrder("good/a", "shard\\xFF/b");

    Path parquet = Files.createDirectories(work.resolve("parquet"));
    writeParquet(parquet.resolve("good.parquet"));
    writeParquet(parquet.resolve("copy.parquet"));
    Files.move(parquet.resolve("copy.parquet"), rawName(parquet, "bad%FF.parquet"));
    Path parquetTokens = work.resolve("parquet-tokens");
    CliRunner.Result parquetRun = CliRunner.run("tokenize", "--master", "local[1]", "--input", parquet.toString(),
        "--output", parquetTokens.toString(), "--progress-interval", "0");
    assertThat(parquetRun.exitCode()).as(parquetRun.err()).isZero();
    assertThat(strings("SELECT id FROM read_parquet('" + parquetTokens + "/part-*.parquet')"))
        .containsExactly("good.parquet#0");
    // Hadoop names files by Java strings and cannot open this one: one read reject that names it.
    assertThat(strings("SELECT id || ' ' || stage FROM read_parquet('" + parquetTokens + "/_rejects/*.parquet')"))
        .containsExactly("bad\\xFF.parquet#unreadable read");
  }

  /** A path under {@code folder} whose name is given percent-encoded, byte for byte. */
  private static Path rawName(Path folder, String encodedName) {
    return Paths.get(URI.create(folder.toUri() + encodedName));
  }

  private static void writeTar(Path file, String key) throws Exception {
    try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      TarArchiveEntry entry = new TarArchiveEntry(key + ".png");
      entry.setSize(png.length);
      tar.putArchiveEntry(entry);
      tar.write(png);
      tar.closeArchiveEntry();
    }
  }

  private static void writeParquet(Path file) throws Exception {
    try (ParquetRowWriter writer = new ParquetRowWriter(new Configuration(), new org.apache.hadoop.fs.Path(file.toUri()),
        List.of(Column.required("image", ColumnType.BINARY)), Map.of())) {
      writer.write(new Object[] {png});
    }
  }

  private static List<String> strings(String query) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }
}

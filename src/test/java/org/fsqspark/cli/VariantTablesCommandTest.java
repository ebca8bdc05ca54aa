package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.fsqspark.jobs.SparkTestSupport;
import org.fsqspark.jobs.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table tokenized with {@code --variants flip} through stats, decode and export: every variant counted, one
 * variant selected, no two variants writing one file, and an export that keeps every (id, variant) once with the
 * variants of an id in one split.
 */
class VariantTablesCommandTest {
  private static final int IMAGES = 60;

  @TempDir
  static Path work;
  static Path images;
  static Path table;

  @BeforeAll
  static void tokenizeWithFlip() throws Exception {
    images = Files.createDirectories(work.resolve("images"));
    TestImages.samples(images, IMAGES);
    table = work.resolve("tokens");
    CliRunner.Result result = CliRunner.run("tokenize", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--input", images.toString(), "--output", table.toString(), "--variants", "flip", "--progress-interval", "0");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("tokenized " + IMAGES + " of " + IMAGES + " images")
        .contains((2 * IMAGES) + " token rows: 2 variants per image (original, flip)");
  }

  @Test
  void statsCountsEveryVariantAndVariantRestrictsToOne() throws Exception {
    assertThat(stats("all")).isEqualTo(2 * IMAGES);
    assertThat(stats("flip", "--variant", "flip")).isEqualTo(IMAGES);
    assertThat(stats("original", "--variant", "original")).isEqualTo(IMAGES);
    CliRunner.Result unknown = CliRunner.run("stats", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--input", table.toString(), "--output", work.resolve("stats-centre").toString(), "--variant", "centre");
    assertThat(unknown.exitCode()).as(unknown.err()).isEqualTo(2);
    assertThat(unknown.err()).contains("--variant centre").contains("it has flip, original");
    assertThat(unknown.err().strip().lines().count()).as(unknown.err()).isEqualTo(1);
  }

  @Test
  void statsWithAPriorCodesOnlyTheVariantAsked() throws Exception {
    Path prior = work.resolve("prior");
    CliRunner.Result train = CliRunner.run("prior", "train", "--input", table.toString(), "--output", prior.toString(),
        "--layers", "1", "--width", "32", "--heads", "2", "--epochs", "1", "--batch-size", "32", "--threads", "1");
    assertThat(train.exitCode()).as(train.err()).isZero();
    for (String variant : new String[] {"flip", null}) {
      Path output = work.resolve("stats-prior-" + variant);
      List<String> args = new ArrayList<>(List.of("stats", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
          "--input", table.toString(), "--output", output.toString(), "--prior", prior.toString()));
      if (variant != null) {
        args.addAll(List.of("--variant", variant));
      }
      CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
      assertThat(result.exitCode()).as(result.err()).isZero();
      com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(
          Files.readString(output.resolve("stats.json"))).getAsJsonObject();
      long rows = variant == null ? 2 * IMAGES : IMAGES;
      assertThat(json.get("images").getAsLong()).isEqualTo(rows);
      // Every stream is decoded back by default, so the verified tokens are the tokens the prior coded.
      assertThat(json.getAsJsonObject("compression").getAsJsonObject("models").getAsJsonObject("masked_transformer")
          .get("verified_tokens").getAsLong()).as(variant).isEqualTo(rows * 49);
    }
  }

  @Test
  void decodeWritesOneFilePerVariantAndComparesEachWithItsOwnVariant() throws Exception {
    Path output = work.resolve("decoded");
    CliRunner.Result result = CliRunner.run("decode", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--input", table.toString(), "--output", output.toString(), "--originals", images.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> names;
    try (Stream<Path> files = Files.walk(output.resolve("images"))) {
      names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".png") && !n.startsWith(".")).toList();
    }
    assertThat(names).hasSize(2 * IMAGES);
    assertThat(names.stream().filter(n -> n.endsWith(".flip.png"))).hasSize(IMAGES);
    assertThat(names.stream().filter(n -> n.endsWith(".original.png"))).hasSize(IMAGES);
    JsonObject decode = JsonParser.parseString(Files.readString(output.resolve("decode.json"))).getAsJsonObject();
    assertThat(decode.toString()).contains("\"compared_with_originals\":" + (2 * IMAGES));
    // Per variant: a flip compared with the unflipped original would lose several dB against the original's.
    Map<String, double[]> psnr = new HashMap<>();
    for (Row row : SparkTestSupport.local().read().parquet(output.resolve("psnr").toString()).collectAsList()) {
      double[] sum = psnr.computeIfAbsent(row.getAs("variant"), v -> new double[2]);
      sum[0] += row.<Double>getAs("psnr");
      sum[1]++;
    }
    double original = psnr.get("original")[0] / psnr.get("original")[1];
    double flip = psnr.get("flip")[0] / psnr.get("flip")[1];
    assertThat(flip).isBetween(original - 1.0, original + 1.0);
  }

  @Test
  void exportKeepsEveryIdAndVariantOnceWithAllVariantsOfAnIdInOneSplit() throws Exception {
    Path parquet = work.resolve("export-parquet");
    CliRunner.Result result = CliRunner.run("export", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--input", table.toString(), "--output", parquet.toString(), "--format", "parquet", "--validation", "0.3",
        "--rows-per-file", "25");
    assertThat(result.exitCode()).as(result.err()).isZero();
    Map<String, Set<String>> splitsOfId = new HashMap<>();
    Set<String> rows = new HashSet<>();
    for (String split : List.of("train", "validation")) {
      for (Row row : SparkTestSupport.local().read().parquet(parquet.resolve(split).toString()).collectAsList()) {
        assertThat(rows.add(row.getAs("id") + " " + row.getAs("variant"))).as("a repeated row").isTrue();
        splitsOfId.computeIfAbsent(row.getAs("id"), id -> new HashSet<>()).add(split);
      }
    }
    assertThat(rows).hasSize(2 * IMAGES);
    assertThat(splitsOfId).hasSize(IMAGES).allSatisfy((id, splits) -> assertThat(splits).as(id).hasSize(1));
    assertThat(splitsOfId.values().stream().filter(s -> s.contains("validation"))).isNotEmpty();
    assertThat(Files.readString(parquet.resolve("_export.json"))).contains("\"variants_spec\": \"flip\"");
    // Hugging Face datasets checks its features against the files' columns: the variant must be among them.
    try (org.apache.parquet.hadoop.ParquetFileReader footer = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(
            parquet.resolve("train/part-00000.parquet").toUri()), new org.apache.hadoop.conf.Configuration()))) {
      assertThat(footer.getFooter().getFileMetaData().getKeyValueMetaData().get("huggingface"))
          .contains("\"variant\":{\"dtype\":\"string\"");
    }

    Path bin = work.resolve("export-bin");
    result = CliRunner.run("export", "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--input",
        table.toString(), "--output", bin.toString(), "--format", "bin", "--validation", "0.3", "--rows-per-file", "25");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonObject header = JsonParser.parseString(Files.readString(bin.resolve("header.json"))).getAsJsonObject();
    assertThat(header.get("variants").toString()).isEqualTo("[\"original\",\"flip\"]");
    assertThat(header.get("index_dtype").getAsString()).contains("('variant', '<u2')");
    Map<String, Set<String>> binSplits = new HashMap<>();
    List<String> variants = new ArrayList<>();
    for (String split : List.of("train", "validation")) {
      try (Stream<Path> files = Files.list(bin.resolve(split))) {
        for (Path ids : files.filter(p -> p.toString().endsWith(".ids.jsonl")).toList()) {
          List<String> lines = Files.readAllLines(ids);
          byte[] index = Files.readAllBytes(Path.of(ids.toString().replace(".ids.jsonl", ".index.npy")));
          int data = index.length - 18 * lines.size();
          for (int i = 0; i < lines.size(); i++) {
            int at = data + 18 * i + 16;
            int variant = (index[at] & 0xff) | (index[at + 1] & 0xff) << 8;
            variants.add(lines.get(i) + " " + variant);
            binSplits.computeIfAbsent(lines.get(i), id -> new HashSet<>()).add(split);
          }
        }
      }
    }
    assertThat(variants).hasSize(2 * IMAGES).doesNotHaveDuplicates();
    assertThat(binSplits).hasSize(IMAGES).allSatisfy((id, splits) -> assertThat(splits).as(id).hasSize(1));
  }

  private static long stats(String name, String... extra) throws Exception {
    Path output = work.resolve("stats-" + name);
    List<String> args = new ArrayList<>(List.of("stats", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--input", table.toString(), "--output", output.toString(), "--no-compression"));
    args.addAll(List.of(extra));
    CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.err()).isZero();
    String json = Files.readString(output.resolve("stats.json"));
    java.util.regex.Matcher images = java.util.regex.Pattern.compile("\"images\": (\\d+)").matcher(json);
    assertThat(images.find()).as(json).isTrue();
    return Long.parseLong(images.group(1));
  }
}

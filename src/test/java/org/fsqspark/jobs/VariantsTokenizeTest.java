package org.fsqspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.contract.Variants;
import org.fsqspark.error.BadInputException;
import org.fsqspark.image.ImageDecoder;
import org.fsqspark.image.PendingImage;
import org.fsqspark.image.Preprocessor;
import org.fsqspark.io.ModelSources;
import org.fsqspark.io.TokenTable;
import org.fsqspark.pipeline.TokenizeConfig;
import org.fsqspark.pipeline.TokenizeResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenize --variants}: ten distinct crops of real photos, the centre crop equal to tokenizing that crop
 * alone, the flip equal to tokenizing the mirrored image, and a table without variants unchanged.
 */
class VariantsTokenizeTest {
  private static final List<String> PHOTOS = List.of("baboon.jpg", "fruits.jpg", "home.jpg", "orange.jpg");

  @TempDir
  Path work;

  @Test
  void tencropGivesTenDistinctGridsAndItsCentreIsTheCentreCropTokenizedAlone() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(RealPhotosTest.OPENCV_DATA), "opencv-doc is not installed");
    Path photos = Files.createDirectories(work.resolve("photos"));
    for (String name : PHOTOS) {
      Files.copy(RealPhotosTest.OPENCV_DATA.resolve(name), photos.resolve(name));
    }
    // Batches of 4 rows: an image's ten variants go whole into one batch of ten.
    Map<String, Map<String, List<Integer>>> table = tokenize(photos, "tencrop", Variants.parse("tencrop:1.1"), 4);
    Variants tencrop = Variants.parse("tencrop:1.1");
    assertThat(table).containsOnlyKeys(PHOTOS);
    for (String photo : PHOTOS) {
      assertThat(table.get(photo)).as(photo).containsOnlyKeys(tencrop.names());
      assertThat(new HashSet<>(table.get(photo).values())).as("distinct grids of " + photo).hasSize(10);
    }

    // The centre crop of the 31x31 square, and its mirror, as lossless PNGs of exactly the model's 28x28 input.
    TokenizerManifest manifest = TokenizerManifest.fromJson(ModelSources.open(new org.apache.hadoop.conf.Configuration(),
        "default").manifestJson(), "default");
    Path crops = Files.createDirectories(work.resolve("crops"));
    Path mirrored = Files.createDirectories(work.resolve("mirrored-crops"));
    for (String photo : PHOTOS) {
      byte[] bytes = Files.readAllBytes(photos.resolve(photo));
      try (PendingImage image = new ImageDecoder().open(bytes, photo)) {
        // The square made here from the public preprocessor, not by VariantPixels: 31x31 (round(1.1 x 28)) in
        // [0, 1], rounded to 8-bit samples; the centre crop at torchvision's offset, Python's round((31 - 28) / 2)
        // = round(1.5) = 2 (half to even).
        Preprocessor resize = new Preprocessor(1, 31, 31, manifest.resize(), 0f, 1f);
        float[] floats = new float[31 * 31];
        resize.write(image.decodePixels(resize.maxReduction(image.width(), image.height()), 1), floats, 0);
        BufferedImage centre = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            centre.getRaster().setSample(x, y, 0, Math.max(0, Math.min(255, Math.round(floats[(y + 2) * 31 + x + 2]
                * 255f))));
          }
        }
        ImageIO.write(centre, "png", crops.resolve(photo + ".png").toFile());
        ImageIO.write(mirror(centre), "png", mirrored.resolve(photo + ".png").toFile());
      }
    }
    Map<String, Map<String, List<Integer>>> alone = tokenize(crops, "crop-tokens", Variants.NONE, 64);
    Map<String, Map<String, List<Integer>>> aloneMirrored = tokenize(mirrored, "mirrored-tokens", Variants.NONE, 64);
    for (String photo : PHOTOS) {
      assertThat(table.get(photo).get("centre")).as(photo)
          .isEqualTo(alone.get(photo + ".png").get(Variants.ORIGINAL));
      assertThat(table.get(photo).get("centre-flip")).as(photo)
          .isEqualTo(aloneMirrored.get(photo + ".png").get(Variants.ORIGINAL));
    }
  }

  @Test
  void flipIsTheMirroredImageTokenizedAndTheOriginalIsTheTableWithoutVariants() throws Exception {
    Path images = Files.createDirectories(work.resolve("images"));
    int count = TestImages.samples(images, 40);
    Path mirrored = Files.createDirectories(work.resolve("mirrored"));
    List<Path> files;
    try (Stream<Path> walk = Files.walk(images)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      Path target = mirrored.resolve(images.relativize(file).toString());
      Files.createDirectories(target.getParent());
      ImageIO.write(mirror(ImageIO.read(file.toFile())), "png", target.toFile());
    }
    Map<String, Map<String, List<Integer>>> flip = tokenize(images, "flip", Variants.parse("flip"), 7);
    Map<String, Map<String, List<Integer>>> plain = tokenize(images, "plain", Variants.NONE, 7);
    Map<String, Map<String, List<Integer>>> mirror = tokenize(mirrored, "mirror", Variants.NONE, 7);
    assertThat(flip).hasSize(count);
    int differ = 0;
    for (String id : plain.keySet()) {
      assertThat(flip.get(id)).as(id).containsOnlyKeys("original", "flip");
      assertThat(flip.get(id).get("original")).as(id).isEqualTo(plain.get(id).get("original"));
      assertThat(flip.get(id).get("flip")).as(id).isEqualTo(mirror.get(id).get("original"));
      differ += flip.get(id).get("flip").equals(flip.get(id).get("original")) ? 0 : 1;
    }
    // A mirror that wrote the original again would pass the lines above only if every image were symmetric.
    assertThat(differ).isGreaterThan(count / 2);
    // Without variants the table is as before: no variant column, no variants in the footer or _run.json.
    assertThat(SparkTestSupport.local().read().parquet(work.resolve("plain").toString()).columns())
        .doesNotContain(TokenTable.VARIANT);
    assertThat(Files.readString(work.resolve("plain/_run.json"))).doesNotContain("variants");
    assertThat(Files.readString(work.resolve("flip/_run.json"))).contains("\"variants\": \"flip\"");
    assertThat(Files.readString(work.resolve("flip/_job.json"))).contains("\"variants\"");
  }

  @Test
  void badVariantsAreOneLine() {
    assertThatThrownBy(() -> Variants.parse("tencrop:0.9")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("between 1 and 4").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> Variants.parse("tencrop:100")).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("--variants tencrop:100: the scale must be between 1 and 4 (");
    assertThatThrownBy(() -> Variants.parse("tencrop:x")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("'x' is not a number");
    assertThatThrownBy(() -> Variants.parse("rotate")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("none, flip, tencrop");
    assertThat(Variants.parse("tencrop").scale()).isEqualTo(1.1);
    assertThat(Variants.parse("tencrop:1.1").cropSide(28)).isEqualTo(31);
    assertThat(Variants.parse("tencrop:1.1").names()).hasSize(10).doesNotHaveDuplicates();
  }

  /** Tokenizes {@code input} into {@code work/name}; id -> variant -> tokens. */
  private Map<String, Map<String, List<Integer>>> tokenize(Path input, String name, Variants variants, int batch) {
    SparkSession spark = SparkTestSupport.local();
    String output = work.resolve(name).toString();
    TokenizeConfig config = TokenizeConfig.of(input.toString(), output, "default").withBatchSize(batch)
        .withVariants(variants);
    TokenizeResult result = new TokenizeJob(spark, config, new PrintWriter(new StringWriter())).run();
    assertThat(result.rejected()).isZero();
    var rows = spark.read().parquet(output);
    boolean hasVariant = Arrays.asList(rows.columns()).contains(TokenTable.VARIANT);
    assertThat(hasVariant).isEqualTo(!variants.isNone());
    Map<String, Map<String, List<Integer>>> table = new HashMap<>();
    for (Row row : rows.collectAsList()) {
      String variant = hasVariant ? row.getAs(TokenTable.VARIANT) : Variants.ORIGINAL;
      List<Integer> tokens = new ArrayList<>(row.<Integer>getList(row.fieldIndex(TokenTable.TOKENS)));
      List<Integer> previous = table.computeIfAbsent(row.getAs(TokenTable.ID), id -> new HashMap<>())
          .put(variant, tokens);
      assertThat(previous).as("a second row of one (id, variant)").isNull();
    }
    assertThat(rows.count()).isEqualTo(result.tokenized() * variants.count());
    return table;
  }

  private static BufferedImage mirror(BufferedImage source) {
    BufferedImage out = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < source.getHeight(); y++) {
      for (int x = 0; x < source.getWidth(); x++) {
        out.getRaster().setSample(source.getWidth() - 1 - x, y, 0, source.getRaster().getSample(x, y, 0));
      }
    }
    return out;
  }
}

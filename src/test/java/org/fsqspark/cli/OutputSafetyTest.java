package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.fsqspark.io.ModelPackage;
import org.fsqspark.io.SampleImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No job ever deletes or writes over a user's data, whatever --output and --overwrite say. For every command
 * that writes a folder: an output that is an input, the parent of an input (with --overwrite), inside an
 * input, a symbolic-link alias of an input, or an unrelated non-empty folder (with --overwrite) is refused
 * with one line and exit code 2, and every byte under the inputs and that folder is unchanged (hashed before
 * and after). Re-running over the job's own output with --overwrite works and deletes only the job's files;
 * a user's file dropped into it makes --overwrite refuse and deletes nothing. Prior train and prior sample
 * (whose inputs are a token table, a prior folder and a model folder) follow the same rules.
 */
class OutputSafetyTest {
  @TempDir
  static Path work;

  private static Path images;
  private static Path tokens;
  private static Path model;

  @BeforeAll
  static void inputs() throws Exception {
    // The input folder sits beside a user's notes, so "the parent of the input" holds more than the input.
    images = work.resolve("data/images");
    SampleImages.writePngs(images, 12);
    Files.writeString(work.resolve("data/notes.txt"), "my notes, not an fsq output");
    tokens = work.resolve("tokens");
    run(0, "tokenize", "--master", "local[1]", "--input", images.toString(), "--output", tokens.toString(),
        "--progress-interval", "0");
    model = ModelPackage.bundledDefault().materialize(work.resolve("model")).directory();
  }

  @Test
  void tokenizeNeverDeletesItsInputOrAnUnrelatedFolder() throws Exception {
    String[] job = {"tokenize", "--master", "local[1]", "--progress-interval", "0", "--input", images.toString()};
    refusedUnchanged(work.resolve("data"), "is the same as --input", job, "--output", images.toString());
    refusedUnchanged(work.resolve("data"), "is the same as --input", job, "--output", images.toString(), "--overwrite");
    refusedUnchanged(work.resolve("data"), "contains --input", job, "--output", work.resolve("data").toString(),
        "--overwrite");
    refusedUnchanged(work.resolve("data"), "lies inside --input", job, "--output", images.resolve("tokens").toString(),
        "--overwrite");
    assertThat(images.resolve("tokens")).doesNotExist();
    Path alias = Files.createSymbolicLink(work.resolve("alias-of-images"), images);
    refusedUnchanged(work.resolve("data"), "is the same as --input", job, "--output", alias.toString(), "--overwrite");
    Path unrelated = unrelatedFolder("unrelated-tokenize");
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString(), "--overwrite");
    refusedUnchanged(work.resolve("data"), "was not made by fsq", job, "--output", unrelated.toString(), "--overwrite");
    refusedUnchanged(tokens, "holds the output of fsq tokenize, not of fsq stats", "stats", "--master", "local[1]",
        "--input", images.toString(), "--output", tokens.toString(), "--overwrite");
  }

  @Test
  void tokenizeOverwritesOnlyItsOwnOutput() throws Exception {
    Path own = work.resolve("own-tokens");
    String[] job = {"tokenize", "--master", "local[1]", "--progress-interval", "0", "--input", images.toString(),
        "--output", own.toString()};
    run(0, job);
    // A part file of an earlier, larger run: tokenize's own, so --overwrite deletes it.
    Files.copy(own.resolve("part-00000.parquet"), own.resolve("part-00099.parquet"));
    run(0, concat(job, "--overwrite"));
    assertThat(own.resolve("part-00099.parquet")).doesNotExist();
    assertThat(own.resolve("_job.json")).exists();
    assertThat(Files.readString(own.resolve("_job.json"))).contains("\"tokenized\": 12");
    run(0, job);  // the same command again resumes the finished table
    Files.writeString(own.resolve("notes.txt"), "mine");
    refusedUnchanged(own, "did not write: notes.txt", concat(job, "--overwrite"));
    refusedUnchanged(work.resolve("data"), "did not write: notes.txt", concat(job, "--overwrite"));
  }

  @Test
  void decodeNeverDeletesItsInputsOrAnUnrelatedFolder() throws Exception {
    String[] job = {"decode", "--master", "local[1]", "--input", tokens.toString(), "--originals", images.toString(),
        "--model", model.toString()};
    refusedUnchanged(tokens, "is the same as --input", job, "--output", tokens.toString(), "--overwrite");
    refusedUnchanged(work.resolve("data"), "is the same as --originals", job, "--output", images.toString(),
        "--overwrite");
    refusedUnchanged(work.resolve("data"), "contains --originals", job, "--output", work.resolve("data").toString(),
        "--overwrite");
    refusedUnchanged(tokens, "lies inside --input", job, "--output", tokens.resolve("decoded").toString(), "--overwrite");
    refusedUnchanged(model, "is the same as --model", job, "--output", model.toString(), "--overwrite");
    refusedUnchanged(work.resolve("model"), "contains --model", job, "--output", work.resolve("model").toString(),
        "--overwrite");
    Path unrelated = unrelatedFolder("unrelated-decode");
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString(), "--overwrite");

    Path own = work.resolve("own-decoded");
    run(0, concat(job, "--output", own.toString()));
    assertThat(own.resolve("images/ankle_boot/test-00000.png")).exists();
    run(0, concat(job, "--output", own.toString()));  // the same command again resumes the finished output
    refusedUnchanged(own, "holds a decode run of other inputs or settings (format was png, now parquet)",
        concat(job, "--output", own.toString(), "--format", "parquet"));
    Files.writeString(own.resolve("images/stale.png"), "an own-pattern file of an earlier run");
    run(0, concat(job, "--output", own.toString(), "--overwrite"));
    assertThat(own.resolve("images/stale.png")).doesNotExist();
    assertThat(own.resolve("decode.json")).exists();
    Files.writeString(own.resolve("images/notes.txt"), "mine");
    refusedUnchanged(own, "did not write: images/notes.txt", concat(job, "--output", own.toString(), "--overwrite"));
  }

  @Test
  void statsNeverWritesIntoItsInputOrAnUnrelatedFolder() throws Exception {
    String[] job = {"stats", "--master", "local[1]", "--no-compression", "--input", tokens.toString()};
    refusedUnchanged(tokens, "is the same as --input", job, "--output", tokens.toString(), "--overwrite");
    refusedUnchanged(tokens, "contains --input", job, "--output", work.toString(), "--overwrite");
    refusedUnchanged(tokens, "lies inside --input", job, "--output", tokens.resolve("stats").toString());
    assertThat(tokens.resolve("stats")).doesNotExist();
    refusedUnchanged(tokens, "lies inside --compare", "stats", "--master", "local[1]", "--no-compression", "--compare",
        images.toString(), tokens.toString(), "--output", tokens.resolve("cmp").toString());
    Path unrelated = unrelatedFolder("unrelated-stats");
    // Without --overwrite stats used to write its files into any folder; with it, it must not delete either.
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString());
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString(), "--overwrite");

    Path own = work.resolve("own-stats");
    run(0, concat(job, "--output", own.toString()));
    refusedUnchanged(own, "already holds the output of an earlier fsq stats", concat(job, "--output", own.toString()));
    Files.writeString(own.resolve("histogram-a.parquet"), "an own file of an earlier --compare run");
    run(0, concat(job, "--output", own.toString(), "--overwrite"));
    assertThat(own.resolve("histogram-a.parquet")).doesNotExist();
    assertThat(own.resolve("stats.json")).exists();
    Files.writeString(own.resolve("notes.txt"), "mine");
    refusedUnchanged(own, "did not write: notes.txt", concat(job, "--output", own.toString(), "--overwrite"));
  }

  @Test
  void trainNeverWritesIntoItsDataOrAnUnrelatedFolder() throws Exception {
    String[] job = {"train", "--data", images.toString(), "--epochs", "1", "--batch-size", "4", "--validation", "2"};
    refusedUnchanged(work.resolve("data"), "is the same as --data", job, "--output", images.toString(), "--overwrite");
    refusedUnchanged(work.resolve("data"), "contains --data", job, "--output", work.resolve("data").toString(),
        "--overwrite");
    refusedUnchanged(work.resolve("data"), "lies inside --data", job, "--output", images.resolve("model").toString());
    Path unrelated = unrelatedFolder("unrelated-train");
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString());
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString(), "--overwrite");
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString(), "--resume");

    Path own = work.resolve("own-model");
    run(0, concat(job, "--output", own.toString()));
    assertThat(own.resolve("tokenizer.json")).exists();
    refusedUnchanged(own, "already holds the output of an earlier fsq train", concat(job, "--output", own.toString()));
    run(0, concat(job, "--output", own.toString(), "--resume"));
    Files.writeString(own.resolve("codebook.f32"), "an own file of an earlier VQ run");
    run(0, concat(job, "--output", own.toString(), "--overwrite"));
    assertThat(own.resolve("codebook.f32")).doesNotExist();
    assertThat(own.resolve("checkpoint/state.json")).exists();
    Files.writeString(own.resolve("notes.txt"), "mine");
    refusedUnchanged(own, "did not write: notes.txt", concat(job, "--output", own.toString(), "--overwrite"));
  }

  @Test
  void samplesNeverWritesIntoItsDatasetOrAnUnrelatedFolder() throws Exception {
    Path idx = Files.createDirectories(work.resolve("idx"));
    for (String[] file : List.of(new String[] {"images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"},
        new String[] {"labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})) {
      try (InputStream in = SampleImages.class.getResourceAsStream("/org/fsqspark/samples/fashion-mnist-test-"
          + file[0])) {
        Files.copy(in, idx.resolve(file[1]));
      }
    }
    String[] job = {"samples", "--idx", idx.toString(), "--count", "5"};
    refusedUnchanged(idx, "is the same as --idx", job, "--output", idx.toString(), "--overwrite");
    refusedUnchanged(idx, "contains --idx", job, "--output", work.toString(), "--overwrite");
    refusedUnchanged(idx, "lies inside --idx", job, "--output", idx.resolve("png").toString());
    Path unrelated = unrelatedFolder("unrelated-samples");
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString());
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString(), "--overwrite");

    Path own = work.resolve("own-samples");
    run(0, concat(job, "--output", own.toString()));
    assertThat(own.resolve("ankle_boot/t10k-00000.png")).exists();
    refusedUnchanged(own, "already holds the output of an earlier fsq samples", concat(job, "--output",
        own.toString()));
    Files.write(own.resolve("ankle_boot/t10k-99999.png"), new byte[] {1});
    run(0, concat(job, "--output", own.toString(), "--overwrite"));
    assertThat(own.resolve("ankle_boot/t10k-99999.png")).doesNotExist();
    assertThat(own.resolve("ankle_boot/t10k-00000.png")).exists();
    Files.writeString(own.resolve("ankle_boot/notes.txt"), "mine");
    refusedUnchanged(own, "did not write: ankle_boot/notes.txt", concat(job, "--output", own.toString(),
        "--overwrite"));
  }

  @Test
  void priorTrainNeverWritesIntoItsInputOrAnUnrelatedFolder() throws Exception {
    String[] job = {"prior", "train", "--input", tokens.toString(), "--layers", "1", "--width", "16", "--heads", "2",
        "--epochs", "1", "--batch-size", "4", "--validation", "0", "--threads", "1"};
    refusedUnchanged(tokens, "is the same as --input", job, "--output", tokens.toString(), "--overwrite");
    refusedUnchanged(tokens, "contains --input", job, "--output", work.toString(), "--overwrite");
    refusedUnchanged(tokens, "lies inside --input", job, "--output", tokens.resolve("prior").toString());
    refusedUnchanged(tokens, "lies inside --input", job, "--output", tokens.resolve("prior").toString(), "--overwrite");
    assertThat(tokens.resolve("prior")).doesNotExist();
    Path unrelated = unrelatedFolder("unrelated-prior-train");
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString());
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString(), "--overwrite");

    Path own = work.resolve("own-prior");
    run(0, concat(job, "--output", own.toString()));
    assertThat(own.resolve("prior.json")).exists();
    refusedUnchanged(own, "already holds the output of an earlier fsq prior train", concat(job, "--output",
        own.toString()));
    Files.writeString(own.resolve("checkpoint/stale.bin"), "an own file of an earlier run");
    run(0, concat(job, "--output", own.toString(), "--overwrite"));
    assertThat(own.resolve("checkpoint/stale.bin")).doesNotExist();
    assertThat(own.resolve("prior.json")).exists();
    Files.writeString(own.resolve("notes.txt"), "mine");
    refusedUnchanged(own, "did not write: notes.txt", concat(job, "--output", own.toString(), "--overwrite"));
    assertThat(own.resolve("notes.txt")).hasContent("mine");
  }

  @Test
  void priorSampleNeverWritesIntoItsPriorOrModelOrAnUnrelatedFolder() throws Exception {
    Path prior = work.resolve("sampled-prior/prior");
    run(0, "prior", "train", "--input", tokens.toString(), "--output", prior.toString(), "--layers", "1", "--width",
        "16", "--heads", "2", "--epochs", "1", "--batch-size", "4", "--validation", "0", "--threads", "1");
    String[] job = {"prior", "sample", "--prior", prior.toString(), "--count", "2", "--steps", "2"};
    refusedUnchanged(prior, "is the same as --prior", job, "--output", prior.toString(), "--overwrite");
    refusedUnchanged(prior, "contains --prior", job, "--output", prior.getParent().toString(), "--overwrite");
    refusedUnchanged(prior, "lies inside --prior", job, "--output", prior.resolve("samples").toString());
    refusedUnchanged(prior, "lies inside --prior", job, "--output", prior.resolve("samples").toString(),
        "--overwrite");
    assertThat(prior.resolve("samples")).doesNotExist();
    refusedUnchanged(model, "is the same as --model", job, "--model", model.toString(), "--output", model.toString(),
        "--overwrite");
    refusedUnchanged(model, "lies inside --model", job, "--model", model.toString(), "--output",
        model.resolve("samples").toString());
    Path unrelated = unrelatedFolder("unrelated-prior-sample");
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString());
    refusedUnchanged(unrelated, "was not made by fsq", job, "--output", unrelated.toString(), "--overwrite");

    Path own = work.resolve("own-prior-samples");
    run(0, concat(job, "--output", own.toString()));
    assertThat(own.resolve("samples.json")).exists();
    refusedUnchanged(own, "already holds the output of an earlier fsq prior sample", concat(job, "--output",
        own.toString()));
    Files.write(own.resolve("images/sample-99999.png"), new byte[] {1});
    run(0, concat(job, "--output", own.toString(), "--overwrite"));
    assertThat(own.resolve("images/sample-99999.png")).doesNotExist();
    assertThat(own.resolve("samples.json")).exists();
    Files.writeString(own.resolve("images/notes.txt"), "mine");
    refusedUnchanged(own, "did not write: images/notes.txt", concat(job, "--output", own.toString(),
        "--overwrite"));
    assertThat(own.resolve("images/notes.txt")).hasContent("mine");
  }

  /** A folder of someone's files: a note, a photo and a sub-folder. */
  private static Path unrelatedFolder(String name) throws Exception {
    Path folder = Files.createDirectories(work.resolve(name).resolve("holiday"));
    Files.writeString(work.resolve(name).resolve("notes.txt"), "shopping list");
    Files.copy(images.resolve("ankle_boot/test-00000.png"), folder.resolve("beach.png"));
    return work.resolve(name);
  }

  private static void refusedUnchanged(Path guarded, String message, String[] job, String... more) throws Exception {
    refusedUnchanged(guarded, message, concat(job, more));
  }

  /** Runs a command that must be refused, and checks that not one byte under {@code guarded} changed. */
  private static void refusedUnchanged(Path guarded, String message, String... args) throws Exception {
    Map<String, String> before = hashes(guarded);
    assertThat(before).isNotEmpty();
    CliRunner.Result result = CliRunner.run(args);
    assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.err()).isEqualTo(2);
    String[] lines = result.err().strip().split("\n");
    assertThat(lines).as("one line: %s", result.err()).hasSize(1);
    String command = "prior".equals(args[0]) ? args[0] + " " + args[1] : args[0];
    assertThat(lines[0]).startsWith("fsq " + command + ": error: ").contains(message).doesNotContain("Exception");
    assertThat(hashes(guarded)).as("every file under " + guarded + " after: " + String.join(" ", args))
        .isEqualTo(before);
  }

  private static String[] concat(String[] first, String... more) {
    return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
  }

  private static void run(int exitCode, String... args) {
    CliRunner.Result result = CliRunner.run(args);
    assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.err()).isEqualTo(exitCode);
  }

  /** Every file and folder under {@code root} (links not followed) with the SHA-256 of its bytes. */
  static Map<String, String> hashes(Path root) throws Exception {
    Map<String, String> hashes = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        String key = root.relativize(path).toString();
        if (Files.isSymbolicLink(path)) {
          hashes.put(key, "link to " + Files.readSymbolicLink(path));
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          hashes.put(key + "/", "folder");
        } else {
          hashes.put(key, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path))));
        }
      }
    }
    return hashes;
  }
}

package org.fsqspark.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.io.OutputFolder.Input;
import org.fsqspark.io.OutputFolder.Reuse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What an output folder lets a job do, locally and on S3; the commands' own cases are in OutputSafetyTest. */
class OutputFolderTest {
  private static final OutputKind KIND = OutputKind.of("stats", "stats.json", "report.html", "images/**.png",
      "_rejects/part-*.parquet", "_temporary/**");

  @TempDir
  Path work;

  @Test
  void patternsOwnTheJobsFilesTheirCompanionsAndNothingElse() {
    assertThat(KIND.ownsFile("stats.json")).isTrue();
    assertThat(KIND.ownsFile("._fsq_output.json.tmp")).isTrue();
    assertThat(KIND.ownsFile(".stats.json.crc")).isTrue();
    assertThat(KIND.ownsFile("images/a/b/c.png")).isTrue();
    assertThat(KIND.ownsFile("images/a/.c.png.crc")).isTrue();
    assertThat(KIND.ownsFile("_rejects/part-00003.parquet")).isTrue();
    assertThat(KIND.ownsFile("_temporary/0/x")).isTrue();
    assertThat(KIND.ownsFile("notes.txt")).isFalse();
    assertThat(KIND.ownsFile(".notes.txt.crc")).isFalse();
    assertThat(KIND.ownsFile("images/notes.txt")).isFalse();
    assertThat(KIND.ownsFile("_rejects/notes.parquet")).isFalse();
    assertThat(KIND.ownsFile("sub/stats.json")).isFalse();
    assertThat(KIND.ownsFolder("images/deep/er")).isTrue();
    assertThat(KIND.ownsFolder("_rejects")).isTrue();
    assertThat(KIND.ownsFolder("_rejects/sub")).isFalse();
    assertThat(KIND.ownsFolder("holiday")).isFalse();
    assertThatThrownBy(() -> OutputKind.of("x", "**")).hasMessageContaining("owns everything");
  }

  @Test
  void overwriteDeletesLinksNotWhatTheyPointTo() throws Exception {
    Path mine = Files.createDirectories(work.resolve("mine"));
    Files.writeString(mine.resolve("diary.txt"), "private");
    Path out = work.resolve("out");
    OutputFolder.check(new Configuration(), out.toString(), KIND, Reuse.REFUSE).prepare();
    // An own name that is a link to a user's file: --overwrite removes the link, never the file.
    Files.createSymbolicLink(out.resolve("report.html"), mine.resolve("diary.txt"));
    Files.createDirectories(out.resolve("images"));
    Files.createSymbolicLink(out.resolve("images/x.png"), mine);
    OutputFolder.check(new Configuration(), out.toString(), KIND, Reuse.REPLACE).prepare();
    assertThat(out.resolve("report.html")).doesNotExist();
    assertThat(out.resolve("images")).doesNotExist();
    assertThat(Files.readString(mine.resolve("diary.txt"))).isEqualTo("private");
    // A link where the job writes a folder is not the job's: refused, nothing deleted.
    Files.createSymbolicLink(out.resolve("images"), mine);
    assertThatThrownBy(() -> OutputFolder.check(new Configuration(), out.toString(), KIND, Reuse.REPLACE))
        .hasMessageContaining("did not write: images");
    assertThat(mine.resolve("diary.txt")).exists();
  }

  @Test
  void aMarkerThatIsNotOursOrOfAnotherJobIsRefused() throws Exception {
    Path forged = Files.createDirectories(work.resolve("forged"));
    Files.writeString(forged.resolve(OutputFolder.MARKER_FILE), "{\"job\": \"stats\"}");
    Files.writeString(forged.resolve("stats.json"), "user data with our name");
    assertThatThrownBy(() -> OutputFolder.check(new Configuration(), forged.toString(), KIND, Reuse.REPLACE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was not made by fsq")
        .hasMessageContaining("_fsq_output.json, stats.json");
    Path other = work.resolve("other");
    OutputFolder.check(new Configuration(), other.toString(), OutputKind.of("decode", "grid.png"), Reuse.REFUSE)
        .prepare();
    assertThatThrownBy(() -> OutputFolder.check(new Configuration(), other.toString(), KIND, Reuse.REPLACE))
        .hasMessageContaining("holds the output of fsq decode, not of fsq stats");
    Path many = Files.createDirectories(work.resolve("many"));
    for (int i = 0; i < 8; i++) {
      Files.writeString(many.resolve("f" + i + "\n.txt"), "x");
    }
    assertThatThrownBy(() -> OutputFolder.check(new Configuration(), many.toString(), KIND, Reuse.REPLACE))
        .hasMessageContaining("f0\\x0A.txt, f1\\x0A.txt").hasMessageContaining("and 3 more (8 in all)")
        .hasMessageNotContaining("\n");
  }

  @Test
  void onS3TheSameRulesHold() throws Exception {
    try (S3Server s3 = S3Server.start(work.resolve("s3-data"))) {
      s3.createBucket("bucket");
      s3.put("bucket", "in/a.png", new byte[] {1});
      Configuration conf = new Configuration();
      s3.configure(conf);
      Input input = new Input("--input", "s3a://bucket/in");
      assertThatThrownBy(() -> OutputFolder.check(conf, "s3a://bucket/in", KIND, Reuse.REPLACE, input))
          .hasMessageContaining("is the same as --input s3a://bucket/in");
      assertThatThrownBy(() -> OutputFolder.check(conf, "s3a://bucket/in/out", KIND, Reuse.REPLACE, input))
          .hasMessageContaining("lies inside --input");
      assertThatThrownBy(() -> OutputFolder.check(conf, "s3a://bucket/", KIND, Reuse.REPLACE, input))
          .hasMessageContaining("contains --input");

      OutputFolder.check(conf, "s3a://bucket/out", KIND, Reuse.REFUSE, input).prepare();
      assertThat(s3.client().headObject(b -> b.bucket("bucket").key("out/" + OutputFolder.MARKER_FILE))
          .contentLength()).isPositive();
      s3.put("bucket", "out/stats.json", new byte[] {2});
      s3.put("bucket", "out/images/a/b.png", new byte[] {3});
      s3.put("bucket", "out/notes.txt", new byte[] {4});
      assertThatThrownBy(() -> OutputFolder.check(conf, "s3a://bucket/out", KIND, Reuse.REPLACE, input))
          .hasMessageContaining("did not write: notes.txt");
      assertThatThrownBy(() -> OutputFolder.check(conf, "s3a://bucket/out", KIND, Reuse.REFUSE, input))
          .hasMessageContaining("already holds the output of an earlier fsq stats");
      s3.client().deleteObject(b -> b.bucket("bucket").key("out/notes.txt"));
      OutputFolder.check(conf, "s3a://bucket/out", KIND, Reuse.REPLACE, input).prepare();
      for (String gone : new String[] {"out/stats.json", "out/images/a/b.png"}) {
        assertThatThrownBy(() -> s3.client().headObject(b -> b.bucket("bucket").key(gone)))
            .isInstanceOf(S3Exception.class);
      }
      assertThat(s3.client().headObject(b -> b.bucket("bucket").key("in/a.png")).contentLength()).isEqualTo(1);
      assertThat(s3.client().headObject(b -> b.bucket("bucket").key("out/" + OutputFolder.MARKER_FILE))
          .contentLength()).isPositive();
    }
  }
}

package org.fsqspark.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.fsqspark.cli.Main;
import org.fsqspark.io.SampleImages;
import org.fsqspark.io.TokenTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A programming error while preparing images is a failure of the job (exit code 1, a stack trace under
 * FSQ_DEBUG=1), never a reject row that would hide it as a data problem. The error is injected through the
 * seam that runs before preprocessing.
 */
class PreprocessingBugTest {
  @TempDir
  Path work;

  @Test
  void aBugInPreprocessingFailsTheJobInsteadOfRejectingTheImages() throws Exception {
    Path images = work.resolve("images");
    SampleImages.writePngs(images, 20);
    Path output = work.resolve("tokens");
    ImagePreparation.beforePreprocessing = image -> {
      throw new NullPointerException("a bug in preprocessing, injected by the test");
    };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try {
      code = Main.execute(new String[] {"tokenize", "--master", "local[1]", "--input", images.toString(), "--output",
          output.toString(), "--progress-interval", "0"}, new PrintWriter(out, true), new PrintWriter(err, true));
    } finally {
      ImagePreparation.beforePreprocessing = image -> { };
    }
    assertThat(code).as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).contains("fsq tokenize: error: NullPointerException: a bug in preprocessing")
        .contains("set FSQ_DEBUG=1 for the stack trace");
    assertThat(output.resolve(TokenTable.JOB_FILE)).as("the table is not marked complete").doesNotExist();
    Path rejects = output.resolve(TokenTable.REJECTS_DIR);
    if (Files.exists(rejects)) {
      try (Stream<Path> files = Files.list(rejects)) {
        assertThat(files.map(Path::getFileName).map(Path::toString)).as("no shard committed rejects")
            .noneMatch(name -> name.endsWith(".parquet"));
      }
    }
  }
}

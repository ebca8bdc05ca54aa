package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fsqspark.io.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-run resumes an output only with the settings that made it, including those recorded only when set
 * ({@code --variants}, {@code --accept-truncated}): dropping one would mix rows of two kinds in one table.
 */
class ResumeSettingsTest {
  @TempDir
  Path work;

  @Test
  void aRerunWithoutASettingRecordedOnlyWhenSetIsRefused() throws Exception {
    Path images = work.resolve("images");
    SampleImages.writePngs(images, 4);
    for (String[] setting : new String[][] {{"--variants", "flip"}, {"--accept-truncated"}}) {
      Path output = work.resolve("out-" + setting[0].substring(2));
      String[] first = concat(new String[] {"tokenize", "--input", images.toString(), "--output", output.toString(),
          "--progress-interval", "0"}, setting);
      assertThat(CliRunner.run(first).exitCode()).isZero();
      // The run is cut short: its table is incomplete, so a re-run would resume it.
      Files.delete(output.resolve("_job.json"));
      CliRunner.Result without = CliRunner.run("tokenize", "--input", images.toString(), "--output", output.toString(),
          "--progress-interval", "0");
      assertThat(without.exitCode()).as(without.err()).isEqualTo(2);
      assertThat(without.err()).contains("holds a tokenize run of other inputs or settings")
          .contains(setting[0].substring(2).replace('-', '_') + " was ").contains("now not set");
      assertThat(CliRunner.run(first).exitCode()).as("the same settings resume it").isZero();
    }
  }

  private static String[] concat(String[] head, String[] tail) {
    String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }
}

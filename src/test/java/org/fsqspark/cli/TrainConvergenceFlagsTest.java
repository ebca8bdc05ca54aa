package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --converge-usage/--converge-psnr}: the two thresholds come together, and bad values are refused. */
class TrainConvergenceFlagsTest {
  @TempDir
  Path work;

  private String refused(String... flags) {
    StringWriter err = new StringWriter();
    String[] args = new String[flags.length + 4];
    args[0] = "train";
    args[1] = "--output";
    args[2] = work.resolve("model").toString();
    args[3] = "--epochs=1";
    System.arraycopy(flags, 0, args, 4, flags.length);
    int code = Main.execute(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(work.resolve("model")).doesNotExist();
    return err.toString();
  }

  @Test
  void oneThresholdWithoutTheOtherIsRefusedBeforeAnythingIsWritten() {
    assertThat(refused("--converge-usage", "0.005")).contains("--converge-usage and --converge-psnr work together")
        .contains("0.005");
    assertThat(refused("--converge-psnr", "0.1")).contains("--converge-usage and --converge-psnr work together");
  }

  @Test
  void aNegativeThresholdIsRefusedWithTheValue() {
    assertThat(refused("--converge-usage", "-0.1", "--converge-psnr", "-1")).contains("-0.1");
  }
}

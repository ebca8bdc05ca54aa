package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Exit codes" paragraph, checked against every command: 0 for help and version, 2 with at most
 * three lines for a missing or unknown option and for a bad value or input, 3 when every input is rejected.
 */
class ExitCodesTest {
  private static final String[][] COMMANDS = {{"levels"}, {"codebook"}, {"quantize"}, {"tokenize"}, {"stats"},
      {"train"}, {"decode"}, {"samples"}, {"prior", "train"}, {"prior", "sample"}};

  @TempDir
  Path work;

  @Test
  void theReadmeParagraphSaysWhatTheCommandsDo() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("Exit codes: ");
    assertThat(start).isNotNegative();
    String paragraph = readme.substring(start, readme.indexOf("\n\n", start)).replace('\n', ' ');
    assertThat(paragraph).contains("0 success", "2 bad arguments or input", "3 every input was rejected",
        "1 anything else", "--help", "ExitCodesTest");
  }

  @Test
  void helpAndVersionExitZero() {
    assertThat(CliRunner.run("--help").exitCode()).isZero();
    assertThat(CliRunner.run("--version").exitCode()).isZero();
    for (String[] command : COMMANDS) {
      assertThat(CliRunner.run(with(command, "--help")).exitCode()).as(String.join(" ", command)).isZero();
    }
  }

  @Test
  void everyCommandExitsTwoForAMissingOrUnknownOption() {
    FirstContactTest.expect(2);
    FirstContactTest.expect(2, "prior");
    for (String[] command : COMMANDS) {
      FirstContactTest.expect(2, command);
      FirstContactTest.expect(2, with(command, "--no-such-option"));
    }
  }

  @Test
  void everyCommandExitsTwoForABadValueOrInput() throws Exception {
    String missing = work.resolve("missing").toString();
    String out = work.resolve("out").toString();
    FirstContactTest.expect(2, "levels", "--codebook-size", "1");
    FirstContactTest.expect(2, "codebook", "--levels", "8,0");
    FirstContactTest.expect(2, "quantize", "--levels", "8,x");
    FirstContactTest.expect(2, "tokenize", "--input", missing, "--output", out);
    FirstContactTest.expect(2, "tokenize", "--input", missing, "--output", out, "--batch-size", "many");
    FirstContactTest.expect(2, "stats", "--input", missing, "--output", out);
    FirstContactTest.expect(2, "train", "--data", missing, "--output", out, "--epochs", "1");
    FirstContactTest.expect(2, "decode", "--input", missing, "--output", out);
    FirstContactTest.expect(2, "samples", "--output", out, "--format", "zip");
    FirstContactTest.expect(2, "prior", "train", "--input", missing, "--output", out);
    FirstContactTest.expect(2, "prior", "sample", "--prior", missing, "--output", out);
    assertThat(work.resolve("out")).doesNotExist();
  }

  @Test
  void tokenizeExitsThreeWhenEveryImageIsRejected() throws Exception {
    Path bad = Files.createDirectories(work.resolve("bad"));
    Files.write(bad.resolve("a.png"), new byte[] {1, 2, 3});
    CliRunner.Result result = CliRunner.run("tokenize", "--master", "local[1]", "--input", bad.toString(),
        "--output", work.resolve("rejected").toString(), "--progress-interval", "0");
    assertThat(result.exitCode()).as(result.err()).isEqualTo(3);
    assertThat(result.err()).contains("all 1 inputs were rejected");
  }

  private static String[] with(String[] command, String... more) {
    List<String> args = new ArrayList<>(Arrays.asList(command));
    args.addAll(Arrays.asList(more));
    return args.toArray(String[]::new);
  }
}

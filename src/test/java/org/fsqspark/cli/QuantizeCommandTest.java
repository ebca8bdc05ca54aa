package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code fsq quantize} against an independent transcription of the published formulas: the FSQ paper's
 * notebook ({@code paper}: half_l = (L-1)(1-eps)/2, shift = tan(offset/half_l)) and lucidrains / Cosmos
 * ({@code atanh}: half_l = (L-1)(1+eps)/2, shift = atanh(offset/half_l)); in both
 * zhat = round(tanh(z + shift) * half_l - offset) / (L // 2) and
 * index = sum((zhat * (L // 2) + L // 2) * basis).
 */
class QuantizeCommandTest {
  private static final List<int[]> LEVEL_SETS = List.of(
      new int[] {8, 6, 5}, new int[] {8, 5, 5, 5}, new int[] {7, 5, 5, 5, 5}, new int[] {8, 8, 8, 5, 5, 5},
      new int[] {5, 3}, new int[] {16, 9, 4});

  @Test
  void indicesMatchThePublishedFormulasOnRandomLatents() {
    for (String variant : new String[] {"paper", "atanh"}) {
      for (int[] levels : LEVEL_SETS) {
        Random random = new Random(levels.length * 31L + variant.length());
        StringBuilder input = new StringBuilder();
        int vectors = 400;
        double[][] latents = new double[vectors][levels.length];
        for (double[] vector : latents) {
          for (int c = 0; c < levels.length; c++) {
            vector[c] = random.nextGaussian() * (random.nextBoolean() ? 0.7 : 3);
            input.append(c == 0 ? "" : ",").append(vector[c]);
          }
          input.append('\n');
        }
        CliRunner.Result result = CliRunner.runWithInput(input.toString(),
            "quantize", "--levels", join(levels), "--bound", variant);
        assertThat(result.exitCode()).as(result.err()).isZero();
        String[] lines = result.out().strip().split("\n");
        assertThat(lines).hasSize(vectors);
        for (int v = 0; v < vectors; v++) {
          assertThat(Integer.parseInt(lines[v].trim())).as("%s %s vector %d", variant, join(levels), v)
              .isEqualTo(referenceIndex(latents[v], levels, variant));
        }
      }
    }
  }

  @Test
  void digitsAndCodesCanBePrinted() {
    CliRunner.Result digits = CliRunner.runWithInput("0,0,0,0\n# comment\n\n9,9,-9,-9\n",
        "quantize", "--levels", "8,5,5,5", "--print", "digits");
    assertThat(digits.out().strip().split("\n")).containsExactly("4,2,2,2", "7,4,0,0");
    CliRunner.Result codes = CliRunner.runWithInput("9,9,-9,-9\n", "quantize", "--levels", "8,5,5,5",
        "--print", "codes");
    assertThat(codes.out().strip()).isEqualTo("0.75,1.0,-1.0,-1.0");
  }

  @Test
  void badLinesNameTheLineAndTheProblem() {
    CliRunner.Result wrongArity = CliRunner.runWithInput("0,0,0,0\n1,2,3\n", "quantize", "--levels", "8,5,5,5");
    assertThat(wrongArity.exitCode()).isEqualTo(2);
    assertThat(wrongArity.err()).contains("line 2: expected 4 comma-separated values", "got 3");
    CliRunner.Result nan = CliRunner.runWithInput("0,NaN,0,0\n", "quantize", "--levels", "8,5,5,5");
    assertThat(nan.exitCode()).isEqualTo(2);
    assertThat(nan.err()).contains("line 1", "must be finite");
    CliRunner.Result text = CliRunner.runWithInput("0,zero,0,0\n", "quantize", "--levels", "8,5,5,5");
    assertThat(text.err()).contains("'zero' is not a number");
    CliRunner.Result badLevels = CliRunner.run("quantize", "--levels", "8,1");
    assertThat(badLevels.exitCode()).isEqualTo(2);
    assertThat(badLevels.err()).contains("channel 1", "at least 2 levels");
  }

  @Test
  void codebookPrintsDigitsThenCodes() {
    CliRunner.Result result = CliRunner.run("codebook", "--levels", "8,5,5,5");
    String[] lines = result.out().strip().split("\n");
    assertThat(lines[0]).isEqualTo("index,d0,d1,d2,d3,c0,c1,c2,c3");
    assertThat(lines).hasSize(1001);
    assertThat(lines[1]).isEqualTo("0,0,0,0,0,-1.0,-1.0,-1.0,-1.0");
    assertThat(lines[9]).isEqualTo("8,0,1,0,0,-1.0,-0.5,-1.0,-1.0");
    assertThat(lines[1000]).isEqualTo("999,7,4,4,4,0.75,1.0,1.0,1.0");
    assertThat(CliRunner.run("codebook", "--levels", "8,8,8,8,8,8,8,8", "--limit", "3").out().strip().split("\n"))
        .hasSize(4);
  }

  @Test
  void levelsPrintsThePapersSuggestion() {
    CliRunner.Result result = CliRunner.run("levels", "--codebook-size", "65536");
    assertThat(result.out()).contains("levels:        8,8,8,5,5,5", "codebook size: 64000", "FSQ paper");
    assertThat(CliRunner.run("levels", "--codebook-size", "16384", "--plain").out().strip()).isEqualTo("8,8,8,6,5");
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : new String[] {"levels", "codebook", "quantize", "tokenize", "stats", "train", "samples"}) {
      CliRunner.Result result = CliRunner.run(command, "--help");
      assertThat(result.exitCode()).isZero();
      assertThat(result.out()).contains("Usage: fsq " + command);
    }
  }

  private static int referenceIndex(double[] z, int[] levels, String variant) {
    double eps = 1e-3;
    int index = 0;
    int basis = 1;
    for (int c = 0; c < levels.length; c++) {
      int l = levels[c];
      double halfL = variant.equals("paper") ? (l - 1) * (1 - eps) / 2 : (l - 1) * (1 + eps) / 2;
      double offset = l % 2 == 0 ? 0.5 : 0.0;
      double shift = variant.equals("paper") ? Math.tan(offset / halfL)
          : 0.5 * Math.log((1 + offset / halfL) / (1 - offset / halfL));
      double bounded = Math.tanh(z[c] + shift) * halfL - offset;
      int halfWidth = l / 2;
      double zhat = Math.rint(bounded) / halfWidth;
      long digit = Math.round(zhat * halfWidth + halfWidth);
      index += (int) digit * basis;
      basis *= l;
    }
    return index;
  }

  private static String join(int[] levels) {
    StringBuilder text = new StringBuilder();
    for (int level : levels) {
      text.append(text.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%d", level));
    }
    return text.toString();
  }
}

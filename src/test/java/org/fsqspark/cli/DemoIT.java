package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scripts/demo OUT}, the README's first command, end to end through the embedded launcher. */
class DemoIT {
  @TempDir
  Path work;

  @Test
  void demoTokenizesTheSamplesAndReportsStatistics() throws Exception {
    Path project = Path.of(System.getProperty("fsq.test.project.dir", ".")).toAbsolutePath();
    Path out = work.resolve("demo");
    ProcessBuilder builder = new ProcessBuilder(project.resolve("scripts/demo").toString(), out.toString())
        .redirectErrorStream(true);
    builder.environment().remove("SPARK_HOME");
    // jobs/fsq keeps every run's temporary files in TMPDIR/fsq-USER/run-PID and removes the folders of runs that
    // are gone (killed with SIGKILL): a folder of a process that cannot exist must not survive the demo.
    Path tmp = java.nio.file.Files.createDirectories(work.resolve("tmp"));
    builder.environment().put("TMPDIR", tmp.toString());
    builder.environment().put("USER", "demo");
    Path killed = java.nio.file.Files.createDirectories(tmp.resolve("fsq-demo/run-2147483646/spark-leftover"));
    SparkSubmitIT.Run demo = SparkSubmitIT.run(builder, work);
    assertThat(demo.exitCode()).as(demo.output()).isZero();
    assertThat(killed.getParent()).as("the run folder of a killed process").doesNotExist();
    try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(tmp)) {
      assertThat(left).as("nothing of Spark's or the engine's outside fsq-USER").containsExactly(tmp.resolve("fsq-demo"));
    }
    assertThat(demo.output()).as("the first build's Maven output carries no colour codes").doesNotContain("\u001b[");
    assertThat(demo.output()).contains("wrote 500 sample images", "tokenized 500 of 500 images (0 rejected)",
        "usage", "entropy", "perplexity", out.resolve("tokens").toString());
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT count(*), min(len(tokens)), max(list_max(tokens)) FROM '"
            + out.resolve("tokens") + "/*.parquet'")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(500);
      assertThat(rs.getLong(2)).isEqualTo(49);
      assertThat(rs.getInt(3)).isLessThan(1000);
    }
    assertThat(java.nio.file.Files.readString(out.resolve("stats/stats.json"))).contains("\"all_verified\": true",
        "\"context\"", "\"channels\"");
    assertThat(java.nio.file.Files.readString(out.resolve("stats/report.html"))).contains("data:image/png;base64,");
    assertThat(demo.output()).contains("compression cost", "report.html");
  }
}

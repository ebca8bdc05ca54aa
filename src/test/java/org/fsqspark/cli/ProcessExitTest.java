package org.fsqspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded launcher's exit ({@link ProcessExit}), in a JVM of its own: with {@code fsq.fastExit} the status
 * reaches the shell, every shutdown hook runs and files marked to delete on exit are deleted, and then the
 * process ends before the JVM's own work at exit (seen through {@code -XX:+PrintStringTableStatistics}, which the
 * JVM prints after the hooks); without the property, or without access to {@code java.lang}, the JVM exits as
 * it always did.
 */
class ProcessExitTest {
  private static final String JVM_EXIT_WORK = "SymbolTable statistics";

  @TempDir
  Path work;

  @Test
  void fastExitRunsTheHooksAndKeepsTheStatusButSkipsTheJvmsOwnExitWork() throws Exception {
    Child fast = run(true, true, 7);
    assertThat(fast.exitCode()).as(fast.output()).isEqualTo(7);
    assertThat(fast.output()).contains("hook ran").doesNotContain(JVM_EXIT_WORK);
    assertThat(fast.deleteOnExit()).as("deleted on exit").doesNotExist();

    Child plain = run(false, true, 7);
    assertThat(plain.exitCode()).as(plain.output()).isEqualTo(7);
    assertThat(plain.output()).contains("hook ran", JVM_EXIT_WORK);
    assertThat(plain.deleteOnExit()).doesNotExist();
  }

  @Test
  void withoutAccessToJavaLangTheJvmExitsAsUsual() throws Exception {
    Child closed = run(true, false, 0);
    assertThat(closed.exitCode()).as(closed.output()).isZero();
    assertThat(closed.output()).contains("hook ran", JVM_EXIT_WORK);
    assertThat(closed.deleteOnExit()).doesNotExist();
  }

  private record Child(int exitCode, String output, Path deleteOnExit) {}

  private Child run(boolean fast, boolean openJavaLang, int status) throws Exception {
    Path marked = Files.createTempFile(work, "delete-on-exit", ".txt");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (openJavaLang) {
      command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    }
    command.addAll(List.of("-XX:+PrintStringTableStatistics", "-Dfsq.fastExit=" + fast, "-cp",
        System.getProperty("java.class.path") + File.pathSeparator, ExitingMain.class.getName(), marked.toString(),
        Integer.toString(status)));
    Path output = Files.createTempFile(work, "child", ".txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the child exited").isTrue();
    return new Child(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8), marked);
  }

  /** A command's last steps: a shutdown hook, a file to delete on exit, then {@link ProcessExit#exit}. */
  public static final class ExitingMain {
    public static void main(String[] args) {
      new File(args[0]).deleteOnExit();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook ran")));
      ProcessExit.exit(Integer.parseInt(args[1]));
    }
  }
}

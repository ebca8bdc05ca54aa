package org.fsqspark.prior;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The output rule of the prior commands: write only into a folder that does not exist yet or is empty, and
 * never into, above or at an input. Nothing is ever deleted.
 */
// TODO(issue 10): switch to the shared output-folder class (markers, --overwrite of our own files only) once
// it is on main.
public final class FreshOutput {
  private FreshOutput() {}

  /** Throws with one line when {@code output} is not a new or empty folder, or overlaps an input. */
  public static void check(String option, Path output, List<Path> inputs) {
    refuseOverlap(option, output, inputs);
    if (Files.exists(output)) {
      if (!Files.isDirectory(output)) {
        throw new IllegalArgumentException(option + " " + output + " is a file; give a new or empty folder");
      }
      try (Stream<Path> entries = Files.list(output)) {
        List<String> names = entries.limit(4).map(p -> p.getFileName().toString()).toList();
        if (!names.isEmpty()) {
          throw new IllegalArgumentException(option + " " + output + " is not empty (it holds "
              + String.join(", ", names) + (names.size() == 4 ? ", ..." : "") + "); give a new or empty folder");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + output, e);
      }
    }
  }

  /** Throws when {@code output} equals, contains or lies inside one of the (local) inputs. */
  public static void refuseOverlap(String option, Path output, List<Path> inputs) {
    Path out = output.toAbsolutePath().normalize();
    for (Path input : inputs) {
      if (input == null) {
        continue;
      }
      Path in = input.toAbsolutePath().normalize();
      if (out.startsWith(in) || in.startsWith(out)) {
        throw new IllegalArgumentException(option + " " + output + " overlaps the input " + input
            + "; write the output to a folder outside the input");
      }
    }
  }
}

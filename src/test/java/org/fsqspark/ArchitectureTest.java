package org.fsqspark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules of the main source tree, read from the files themselves: the size limits of issue 12 and
 * the dependency direction each package-info declares ("May import: ..."), which must form no cycle and which
 * every import and fully qualified name in code must keep.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/org/fsqspark");
  private static final Pattern MAY_IMPORT = Pattern.compile("May import: ([a-z, ]+)");
  private static final Pattern PROJECT_NAME = Pattern.compile("\\borg\\.fsqspark\\.([a-z]+)\\.[A-Za-z]");
  private static final Pattern METHOD_END = Pattern.compile("\\)\\s*(throws\\s+[\\w.,\\s<>]+)?$");
  private static final Set<String> NOT_METHODS = Set.of("if", "for", "while", "switch", "catch", "synchronized",
      "try", "else", "do", "new", "return", "finally");

  @Test
  void jobsStaysUnder1200Lines() throws IOException {
    long lines = 0;
    for (Path file : javaFiles(MAIN.resolve("jobs"))) {
      lines += Files.readAllLines(file).size();
    }
    assertThat(lines).as("lines in jobs/").isLessThan(1200);
  }

  @Test
  void noClassIsOver300Lines() throws IOException {
    Map<String, Integer> long_ = new TreeMap<>();
    for (Path file : javaFiles(MAIN)) {
      int lines = Files.readAllLines(file).size();
      if (lines > 300) {
        long_.put(MAIN.relativize(file).toString(), lines);
      }
    }
    assertThat(long_).as("files over 300 lines").isEmpty();
  }

  @Test
  void noMethodIsOver60Lines() throws IOException {
    Map<String, Integer> long_ = new TreeMap<>();
    for (Path file : javaFiles(MAIN)) {
      methodLengths(Files.readString(file)).forEach((line, length) -> {
        if (length > 60) {
          long_.put(MAIN.relativize(file) + ":" + line, length);
        }
      });
    }
    assertThat(long_).as("methods over 60 lines (file:line of the body's opening brace)").isEmpty();
  }

  @Test
  void theMethodCounterSeesMethodsAndConstructorsButNotBlocks() {
    String source = "class A {\n  A(int x) {\n    this.x = x;\n  }\n\n  int f(String s) throws java.io.IOException {\n"
        + "    if (s.equals(\"{\")) {\n      return 1;\n    }\n    Runnable r = () -> {\n    };\n    return 2;\n"
        + "  }\n  // a comment with a brace {\n  void g() {}\n}\n";
    assertThat(methodLengths(source)).containsExactly(Map.entry(2, 3), Map.entry(6, 8), Map.entry(15, 1));
  }

  @Test
  void importsFollowTheDependencyDirectionThePackageInfosDeclare() throws IOException {
    Map<String, Set<String>> allowed = declaredDependencies();
    assertThat(allowed.keySet()).as("packages with a package-info that says what they may import")
        .containsExactlyInAnyOrderElementsOf(packages());
    assertThat(cycle(allowed)).as("a cycle in the declared dependencies").isEmpty();
    List<String> violations = new ArrayList<>();
    for (String pkg : packages()) {
      for (Path file : javaFiles(MAIN.resolve(pkg))) {
        Matcher names = PROJECT_NAME.matcher(withoutComments(Files.readString(file)));
        Set<String> used = new TreeSet<>();
        while (names.find()) {
          used.add(names.group(1));
        }
        used.remove(pkg);
        used.removeAll(allowed.get(pkg));
        if (!used.isEmpty()) {
          violations.add(MAIN.relativize(file) + " uses " + used);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void sparkStaysInTheEntryPointsAndTheEngineOutOfTheValuePackages() throws IOException {
    List<String> violations = new ArrayList<>();
    for (String pkg : packages()) {
      for (Path file : javaFiles(MAIN.resolve(pkg))) {
        String code = withoutComments(Files.readString(file));
        // io builds Spark's schema types for the token table's contract; nothing below jobs runs Spark.
        boolean spark = pkg.equals("io") ? code.matches("(?s).*\\borg\\.apache\\.spark\\.(?!sql\\.types\\.).*")
            : code.contains("org.apache.spark.");
        if (spark && !Set.of("cli", "jobs").contains(pkg)) {
          violations.add(MAIN.relativize(file) + " uses Spark");
        }
        if (code.contains("ai.djl.") && Set.of("fsq", "contract", "error", "stats", "io", "shard", "image", "report")
            .contains(pkg)) {
          violations.add(MAIN.relativize(file) + " uses DJL");
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  /** Body length in lines (opening to closing brace) of every method and constructor, by its opening line. */
  static Map<Integer, Integer> methodLengths(String source) {
    String code = withoutComments(source);
    Map<Integer, Integer> lengths = new TreeMap<>();
    List<int[]> open = new ArrayList<>();
    int line = 1;
    int headerStart = 0;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '\n') {
        line++;
      } else if (c == '{') {
        String header = code.substring(headerStart, i).strip();
        open.add(new int[] {line, isMethod(header) ? 1 : 0});
        headerStart = i + 1;
      } else if (c == '}') {
        int[] block = open.remove(open.size() - 1);
        if (block[1] == 1) {
          lengths.put(block[0], line - block[0] + 1);
        }
        headerStart = i + 1;
      } else if (c == ';') {
        headerStart = i + 1;
      }
    }
    return lengths;
  }

  private static boolean isMethod(String header) {
    if (!METHOD_END.matcher(header).find() || header.contains("->") || header.contains("=")) {
      return false;
    }
    String first = header.split("[\\s(]", 2)[0];
    // A record's header also ends with its components' ")"; its body is a class body, not a method.
    return !NOT_METHODS.contains(first) && !header.matches("(?s).*\\brecord\\b.*");
  }

  /** The source with comments, string and character literals blanked (line breaks kept). */
  static String withoutComments(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (source.startsWith("//", i)) {
        while (i < source.length() && source.charAt(i) != '\n') {
          i++;
        }
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? source.length() : end + 2;
        source.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
        i = end;
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        end = end < 0 ? source.length() : end + 3;
        source.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
        out.append("\"\"");
        i = end;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < source.length() && source.charAt(j) != c) {
          j += source.charAt(j) == '\\' ? 2 : 1;
        }
        out.append(c).append(c);
        i = j + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static Map<String, Set<String>> declaredDependencies() throws IOException {
    Map<String, Set<String>> allowed = new TreeMap<>();
    for (String pkg : packages()) {
      Path info = MAIN.resolve(pkg).resolve("package-info.java");
      if (!Files.exists(info)) {
        continue;
      }
      Matcher may = MAY_IMPORT.matcher(Files.readString(info).replaceAll("\\s*\\n\\s*\\*\\s*", " "));
      if (may.find()) {
        Set<String> names = new TreeSet<>();
        if (!may.group(1).startsWith("nothing")) {
          for (String name : may.group(1).split(",")) {
            if (!name.isBlank()) {
              names.add(name.strip());
            }
          }
        }
        allowed.put(pkg, names);
      }
    }
    return allowed;
  }

  /** A dependency cycle as a list of packages, empty when there is none. */
  private static List<String> cycle(Map<String, Set<String>> graph) {
    for (String start : graph.keySet()) {
      List<String> found = cycleFrom(start, start, graph, new ArrayList<>(List.of(start)), new HashSet<>());
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> graph, List<String> path,
      Set<String> seen) {
    for (String next : graph.getOrDefault(at, Set.of())) {
      if (next.equals(start)) {
        List<String> found = new ArrayList<>(path);
        found.add(start);
        return found;
      }
      if (seen.add(next)) {
        path.add(next);
        List<String> found = cycleFrom(start, next, graph, path, seen);
        if (!found.isEmpty()) {
          return found;
        }
        path.remove(path.size() - 1);
      }
    }
    return List.of();
  }

  private static List<String> packages() throws IOException {
    try (Stream<Path> entries = Files.list(MAIN)) {
      return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static List<Path> javaFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).sorted().toList();
    }
  }
}

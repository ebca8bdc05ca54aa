package org.fsqspark.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File names as text: literal, and reversible for any bytes. */
class FileNamesTest {
  @TempDir
  Path work;

  @Test
  void namesReadAsTheyAreAndEveryByteStringMapsBack() {
    for (String name : List.of("img#1.png", "q?mark.png", "x%20y.png", "a b.png", "\u00e9t\u00e9/\u65e5\u672c.png")) {
      assertThat(FileNames.escape(name.getBytes(StandardCharsets.UTF_8))).isEqualTo(name);
    }
    assertThat(FileNames.escape(new byte[] {'b', 'a', 'd', (byte) 0xFF, '.', 'p'})).isEqualTo("bad\\xFF.p");
    assertThat(FileNames.escape("a\\b".getBytes(StandardCharsets.UTF_8))).isEqualTo("a\\\\b");
    assertThat(FileNames.escape("\\xFF".getBytes(StandardCharsets.UTF_8))).isEqualTo("\\\\xFF");
    // A surrogate encoded in UTF-8 and an overlong '/' are not valid UTF-8 either.
    assertThat(FileNames.escape(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEqualTo("\\xED\\xA0\\x80");
    assertThat(FileNames.escape(new byte[] {(byte) 0xC0, (byte) 0xAF})).isEqualTo("\\xC0\\xAF");

    Random random = new Random(7);
    Set<String> texts = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(12)];
      for (int b = 0; b < bytes.length; b++) {
        // Mostly the bytes that make escapes and UTF-8 sequences, so collisions would show.
        int pick = random.nextInt(8);
        bytes[b] = (byte) (pick == 0 ? '\\' : pick == 1 ? 'x' : pick == 2 ? 'F' : pick == 3 ? 0xC3
            : pick == 4 ? 0xA9 : random.nextInt(256));
      }
      String text = FileNames.escape(bytes);
      assertThat(FileNames.unescape(text)).as(text).isEqualTo(bytes);
      texts.add(text + "|" + java.util.HexFormat.of().formatHex(bytes));
    }
    assertThat(texts.stream().map(t -> t.substring(0, t.lastIndexOf('|'))).distinct().count())
        .as("distinct byte strings never share a text").isEqualTo(texts.size());
  }

  @Test
  void everyAsciiCharacterInANameMapsBackToItsFile() throws Exception {
    // Every byte below 0x80 but NUL and '/', in names of one and of several characters, and in a folder name.
    Path folder = Files.createDirectories(work.resolve("dir \\ %41 #?"));
    StringBuilder all = new StringBuilder();
    for (char c = 1; c < 0x80; c++) {
      if (c == '/') {
        continue;
      }
      all.append(c);
      String name = (c == '.' ? "dot" : "") + c + "x.png";
      Files.write(folder.resolve(name), new byte[] {(byte) c});
      String location = FileNames.location(folder.resolve(name));
      assertThat(FileNames.readAll(new Configuration(), location)).as(location).containsExactly((byte) c);
      assertThat(FileNames.location(FileNames.localPath(location))).isEqualTo(location);
    }
    Path long_ = folder.resolve(all.toString().replace(".", "_"));
    Files.write(long_, new byte[] {9});
    assertThat(FileNames.readAll(new Configuration(), FileNames.location(long_))).containsExactly(9);
    assertThat(FileNames.location(folder)).isEqualTo("file:" + work.toAbsolutePath() + "/dir \\\\ %41 #?");
  }

  @Test
  void localLocationsNameTheExactBytes() throws Exception {
    Path bad = Paths.get(URI.create(work.toUri() + "bad%FF%FE.png"));
    Files.write(bad, new byte[] {1, 2, 3});
    String location = FileNames.location(bad);
    assertThat(location).isEqualTo("file:" + work.toAbsolutePath() + "/bad\\xFF\\xFE.png");
    assertThat(FileNames.readAll(new Configuration(), location)).containsExactly(1, 2, 3);
    assertThat(FileNames.location(work)).isEqualTo("file:" + work.toAbsolutePath());
    assertThat(FileNames.child("file:/data", "a/../../etc/passwd")).isNull();
    assertThat(FileNames.child("file:/data", "a b/img#1.png")).isEqualTo("file:/data/a b/img#1.png");
  }
}

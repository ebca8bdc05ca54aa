package org.fsqspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * File locations as text that names exactly one file, and ids that are the literal relative path a user sees
 * with {@code ls}. A name is its bytes read as UTF-8; a byte that is not part of valid UTF-8 is written
 * {@code \xHH} (two upper-case hex digits) and a backslash is written {@code \\}, so the text maps back to
 * the bytes ({@link #unescape}). Names that are valid UTF-8 without a backslash read exactly as they are:
 * {@code img#1.png}, {@code q?mark.png}, {@code x%20y.png}, {@code a b.png}.
 *
 * <p>URI parsing is what this avoids: {@code #} starts a fragment, {@code ?} a query and {@code %20} is an
 * escape in a URI, but all three are ordinary characters in a file name. Local names come from the bytes the
 * operating system returns (through {@link java.nio.file.Path#toUri()}, which percent-encodes the raw bytes
 * whatever {@code sun.jnu.encoding} says), so a name that is not UTF-8 is still opened and keeps its own id.
 */
public final class FileNames {
  private static final String LOCAL = "file:";

  private FileNames() {}

  /** The text of a name's bytes: UTF-8, {@code \xHH} for each byte that is not valid UTF-8, {@code \\} for a backslash. */
  public static String escape(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    StringBuilder text = new StringBuilder(bytes.length + 8);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      appendDecoded(text, out);
      if (result.isError()) {
        for (int i = 0; i < result.length(); i++) {
          text.append(String.format(Locale.ROOT, "\\x%02X", in.get() & 0xFF));
        }
      } else if (result.isUnderflow()) {
        decoder.flush(out);
        appendDecoded(text, out);
        return text.toString();
      }
    }
  }

  /** The text of a name given as a Java string (names on HDFS and S3 are): backslashes doubled. */
  public static String escape(String name) {
    return name.replace("\\", "\\\\");
  }

  /**
   * The bytes behind an escaped text. A backslash that does not start {@code \\} or {@code \xHH} stands for
   * itself, so ids written by other tools still resolve to something sensible.
   */
  public static byte[] unescape(String text) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(text.length() + 8);
    StringBuilder plain = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\\') {
        plain.append('\\');
        i++;
      } else if (c == '\\' && i + 3 < text.length() && text.charAt(i + 1) == 'x' && isHex(text.charAt(i + 2))
          && isHex(text.charAt(i + 3))) {
        flush(plain, bytes);
        bytes.write(HexFormat.fromHexDigits(text, i + 2, i + 4));
        i += 3;
      } else {
        plain.append(c);
      }
    }
    flush(plain, bytes);
    return bytes.toByteArray();
  }

  /** The location text of a local file: {@code file:} and its absolute path's bytes, escaped. */
  public static String location(java.nio.file.Path local) {
    java.nio.file.Path absolute = local.toAbsolutePath();
    String text = absolute.toString();
    if (isAscii(text)) {
      // An ASCII path's characters are its bytes under any file-name encoding: no URI round trip (which also
      // costs a stat per file to learn whether it is a folder), the same text as below.
      return LOCAL + escape(text);
    }
    String raw = absolute.toUri().getRawPath();
    if (raw.length() > 1 && raw.endsWith("/")) {
      // toUri() marks folders with a trailing slash; the location of a folder has none.
      raw = raw.substring(0, raw.length() - 1);
    }
    return LOCAL + escape(percentDecoded(raw));
  }

  /** The location text of a path on any Hadoop file system; local paths name their file's exact bytes. */
  public static String location(FileSystem fs, Path path) throws IOException {
    Path qualified = fs.makeQualified(path);
    java.nio.file.Path local = LocalFiles.localPath(qualified, fs.getConf());
    return local != null ? location(local) : escape(qualified.toString());
  }

  /** Whether a location text names a local file. */
  public static boolean isLocal(String location) {
    return location.startsWith(LOCAL);
  }

  /** The local file a {@code file:} location text names, byte for byte. */
  public static java.nio.file.Path localPath(String location) {
    if (!isLocal(location)) {
      throw new IllegalArgumentException("Not a local location: " + location);
    }
    String path = location.substring(LOCAL.length());
    while (path.startsWith("//")) {
      path = path.substring(1);
    }
    StringBuilder uri = new StringBuilder("file://");
    for (byte b : unescape(path)) {
      int c = b & 0xFF;
      if (c == '/' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
          || c == '.' || c == '_' || c == '~') {
        uri.append((char) c);
      } else {
        uri.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return java.nio.file.Paths.get(URI.create(uri.toString()));
  }

  /**
   * Hadoop's path for a location text. Hadoop names files by Java strings, so a local name that is not UTF-8
   * has no Hadoop path: the one returned does not exist, and opening it fails as for a missing file.
   */
  public static Path hadoopPath(String location) {
    return new Path(new String(unescape(location), StandardCharsets.UTF_8));
  }

  /**
   * The location of {@code id} under {@code root}, or null when the id would climb out of it (an empty,
   * {@code .} or {@code ..} part, or a leading slash).
   */
  public static String child(String root, String id) {
    if (id.isEmpty() || id.startsWith("/")) {
      return null;
    }
    for (String part : id.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return null;
      }
    }
    return (root.endsWith("/") ? root : root + "/") + id;
  }

  /** Every byte of the file at a location text. */
  public static byte[] readAll(Configuration conf, String location) throws IOException {
    if (isLocal(location)) {
      return java.nio.file.Files.readAllBytes(localPath(location));
    }
    Path path = hadoopPath(location);
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      return in.readAllBytes();
    }
  }

  /** Like {@link #location(FileSystem, Path)} for a location a user typed. */
  public static String location(Configuration conf, String given) {
    Path path = new Path(given);
    try {
      return location(path.getFileSystem(conf), path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + given + ": " + e.getMessage(), e);
    }
  }

  private static void appendDecoded(StringBuilder text, CharBuffer out) {
    out.flip();
    while (out.hasRemaining()) {
      char c = out.get();
      text.append(c == '\\' ? "\\\\" : String.valueOf(c));
    }
    out.clear();
  }

  private static void flush(StringBuilder plain, java.io.ByteArrayOutputStream bytes) {
    if (plain.length() > 0) {
      bytes.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
      plain.setLength(0);
    }
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
  }

  private static byte[] percentDecoded(String raw) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
        bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
        i += 2;
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toByteArray();
  }
}

package org.fsqspark.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.fsq.Levels;
import org.fsqspark.error.BadDataException;
import org.fsqspark.error.BadInputException;

/**
 * The tokenizer manifest of a token table, taken from the table itself: every part file's Parquet footer is
 * read (footers only, with no row group metadata) and they must all name the same tokenizer, and a
 * {@code _tokenizer.json} beside them must agree. Readers that interpret tokens (stats, decode, export) use
 * this instead of trusting the side file, which can be copied, edited or left over from another table.
 *
 * <p>A table whose part files carry no manifest at all (written by other tools) has only the side file, or
 * nothing; a table that mixes files with and without one is refused, as is one that mixes tokenizers.
 */
public final class TableManifest {

  private final List<Path> partFiles;
  private final TokenizerManifest manifest;

  private TableManifest(List<Path> partFiles, TokenizerManifest manifest) {
    this.partFiles = List.copyOf(partFiles);
    this.manifest = manifest;
  }

  /**
   * Reads the manifest from every part file's footer of {@code table} (a folder, a file or a glob) and
   * checks it against {@code _tokenizer.json} when the table is a folder that has one.
   *
   * @throws BadDataException naming two files that differ, and in what, when the part files mix
   *     tokenizers, mix files with and without a manifest, or disagree with {@code _tokenizer.json}; or when
   *     a part file is not readable Parquet
   */
  public static TableManifest read(Configuration conf, String table) {
    Path location = new Path(table);
    try {
      FileSystem fs = location.getFileSystem(conf);
      TableParts.Listing listing = TableParts.list(conf, fs, location, table);
      List<TableParts.PartFile> files = listing.files();
      TableParts.checkLooksLikeATable(table, fs.makeQualified(location), files);
      String[] footers = TableParts.footers(conf, table, files);
      Path root = fs.makeQualified(location);
      TokenizerManifest fromFooters = agreeingFooters(table, root, files, footers);
      Path sideFile = listing.folder() == null ? null : new Path(listing.folder(), TokenTable.MANIFEST_FILE);
      if (sideFile == null || !fs.exists(sideFile)) {
        return new TableManifest(TableParts.paths(files), fromFooters);
      }
      TokenizerManifest side = TokenizerManifest.fromJson(TextFiles.read(fs, sideFile), sideFile.toString());
      if (fromFooters != null && !fromFooters.equals(side)) {
        int first = firstWithManifest(footers);
        throw new BadDataException("Token table " + table + ": " + TokenTable.MANIFEST_FILE
            + " disagrees with the footer of " + relative(root, files.get(first).path()) + " in "
            + differences(side, fromFooters) + "; the footers describe the tokens, so restore or remove "
            + TokenTable.MANIFEST_FILE);
      }
      return new TableManifest(TableParts.paths(files), fromFooters != null ? fromFooters : side);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read token table " + table + ": " + e.getMessage(), e);
    }
  }

  /** The table's tokenizer; empty when neither its part files nor a {@code _tokenizer.json} name one. */
  public Optional<TokenizerManifest> manifest() {
    return Optional.ofNullable(manifest);
  }

  /**
   * The levels of the table's tokens: the manifest's, or {@code given} ({@code --levels}) for a table that
   * carries none; given levels must agree with a manifest.
   */
  public Levels levels(String given, String table) {
    if (given != null) {
      Levels levels = Levels.parse(given);
      if (manifest != null && !manifest.levels().equals(levels)) {
        throw new BadInputException("--levels " + levels + " disagrees with the levels " + manifest.levels()
            + " in the manifest of " + table + "; drop --levels to use the manifest");
      }
      return levels;
    }
    if (manifest == null) {
      throw new BadInputException("Table " + table + " carries no tokenizer manifest (no "
          + TokenTable.MANIFEST_FILE + ", no footer metadata); pass --levels, e.g. --levels 8,5,5,5");
    }
    return manifest.levels();
  }

  /** The part files whose footers were read, in path order. */
  public List<Path> partFiles() {
    return partFiles;
  }

  /** The one manifest all footers carry, null when none carries one; throws when they disagree. */
  private static TokenizerManifest agreeingFooters(String table, Path root, List<TableParts.PartFile> files, String[] footers) {
    int with = firstWithManifest(footers);
    if (with < 0) {
      return null;
    }
    Map<String, TokenizerManifest> parsed = new LinkedHashMap<>();
    String firstFile = relative(root, files.get(with).path());
    TokenizerManifest first = TokenizerManifest.fromJson(footers[with], files.get(with).path().toString());
    parsed.put(footers[with], first);
    for (int i = 0; i < footers.length; i++) {
      Path file = files.get(i).path();
      if (footers[i] == null) {
        throw new BadDataException("Token table " + table + " mixes part files with and without a tokenizer"
            + " manifest in their footers: " + firstFile + " has one (" + first.name() + " " + first.version()
            + ", levels " + first.levels() + ") and " + relative(root, file) + " has none; keep the files of one"
            + " tokenizer per table");
      }
      // Files of one tokenizer carry the same text, so each distinct manifest is parsed once.
      TokenizerManifest manifest = parsed.computeIfAbsent(footers[i],
          text -> TokenizerManifest.fromJson(text, file.toString()));
      if (!manifest.equals(first)) {
        throw new BadDataException("Token table " + table + " mixes tokenizers: " + firstFile + " and "
            + relative(root, file) + " differ in " + differences(first, manifest) + "; keep the files of one"
            + " tokenizer per table");
      }
    }
    return first;
  }

  private static int firstWithManifest(String[] footers) {
    for (int i = 0; i < footers.length; i++) {
      if (footers[i] != null) {
        return i;
      }
    }
    return -1;
  }

  /** The manifest fields that differ, as {@code levels (8,5,5,5 vs 10,10,10), sha256 (3f2a... vs 9b1c...)}. */
  static String differences(TokenizerManifest a, TokenizerManifest b) {
    JsonObject left = JsonParser.parseString(a.toJson()).getAsJsonObject();
    JsonObject right = JsonParser.parseString(b.toJson()).getAsJsonObject();
    Set<String> keys = new LinkedHashSet<>(left.keySet());
    keys.addAll(right.keySet());
    List<String> differences = new ArrayList<>();
    for (String key : keys) {
      JsonElement x = left.get(key);
      JsonElement y = right.get(key);
      if (x == null ? y != null : !x.equals(y)) {
        differences.add(x != null && x.isJsonObject() || y != null && y.isJsonObject() ? key
            : key + " (" + shown(x) + " vs " + shown(y) + ")");
      }
    }
    return differences.isEmpty() ? "their manifests" : String.join(", ", differences);
  }

  private static String shown(JsonElement value) {
    if (value == null || value.isJsonNull()) {
      return "none";
    }
    String text;
    if (value.isJsonArray()) {
      List<String> items = new ArrayList<>();
      for (JsonElement item : (JsonArray) value) {
        items.add(item.isJsonPrimitive() ? item.getAsString() : item.toString());
      }
      text = String.join(",", items);
    } else {
      text = value.isJsonPrimitive() ? value.getAsString() : value.toString();
    }
    return text.length() > 24 ? text.substring(0, 12) + "..." : text;
  }

  /** A part file's path relative to the table folder, or its full path when it lies elsewhere. */
  static String relative(Path root, Path file) {
    String prefix = root.toUri().getPath();
    String path = file.toUri().getPath();
    return prefix != null && path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")
        ? path.substring(prefix.length() + (prefix.endsWith("/") ? 0 : 1)) : file.toString();
  }
}

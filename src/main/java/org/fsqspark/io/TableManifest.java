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
import org.fsqspark.model.TokenizerManifest;

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
  /** Remote stores answer footer reads one round trip at a time; this many run at once. */
  private static final int PARALLEL_READS = 16;
  private static final Pattern GLOB = Pattern.compile("[*?\\[{]");

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
   * @throws IllegalArgumentException naming two files that differ, and in what, when the part files mix
   *     tokenizers, mix files with and without a manifest, or disagree with {@code _tokenizer.json}; or when
   *     a part file is not readable Parquet
   */
  public static TableManifest read(Configuration conf, String table) {
    Path location = new Path(table);
    try {
      FileSystem fs = location.getFileSystem(conf);
      Listing listing = list(conf, fs, location, table);
      List<PartFile> files = listing.files();
      checkLooksLikeATable(table, fs.makeQualified(location), files);
      String[] footers = footers(conf, table, files);
      Path root = fs.makeQualified(location);
      TokenizerManifest fromFooters = agreeingFooters(table, root, files, footers);
      Path sideFile = listing.folder() == null ? null : new Path(listing.folder(), TokenTable.MANIFEST_FILE);
      if (sideFile == null || !fs.exists(sideFile)) {
        return new TableManifest(paths(files), fromFooters);
      }
      TokenizerManifest side = TokenizerManifest.fromJson(readText(fs, sideFile), sideFile.toString());
      if (fromFooters != null && !fromFooters.equals(side)) {
        int first = firstWithManifest(footers);
        throw new IllegalArgumentException("Token table " + table + ": " + TokenTable.MANIFEST_FILE
            + " disagrees with the footer of " + relative(root, files.get(first).path()) + " in "
            + differences(side, fromFooters) + "; the footers describe the tokens, so restore or remove "
            + TokenTable.MANIFEST_FILE);
      }
      return new TableManifest(paths(files), fromFooters != null ? fromFooters : side);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read token table " + table + ": " + e.getMessage(), e);
    }
  }

  /** The table's tokenizer; empty when neither its part files nor a {@code _tokenizer.json} name one. */
  public Optional<TokenizerManifest> manifest() {
    return Optional.ofNullable(manifest);
  }

  /** The part files whose footers were read, in path order. */
  public List<Path> partFiles() {
    return partFiles;
  }

  /** A part file, and its java.nio path when it is local. */
  private record PartFile(Path path, java.nio.file.Path local) {}

  /** The part files, and the table's folder when it is one (where {@code _tokenizer.json} may be). */
  private record Listing(List<PartFile> files, Path folder) {}

  /**
   * Data files as Spark lists them: a glob's matches, folders recursively, names starting _ or . skipped.
   * Local folders are listed with java.nio: Hadoop's local listing and path qualification take longer than
   * reading the footers.
   */
  private static Listing list(Configuration conf, FileSystem fs, Path location, String table) throws IOException {
    List<PartFile> files = new ArrayList<>();
    java.nio.file.Path local = LocalFiles.localPath(location, conf);
    Path folder = null;
    if (local != null && !GLOB.matcher(location.toString()).find()) {
      if (!Files.exists(local)) {
        throw doesNotExist(table);
      }
      if (Files.isDirectory(local)) {
        addLocalLeafFiles(local, files);
        folder = fs.makeQualified(location);
      } else {
        files.add(new PartFile(fs.makeQualified(location), local));
      }
    } else {
      FileStatus[] matches = fs.globStatus(location);
      if (matches == null || matches.length == 0) {
        throw doesNotExist(table);
      }
      for (FileStatus match : matches) {
        java.nio.file.Path localMatch = LocalFiles.localPath(match.getPath(), conf);
        if (match.isDirectory() && localMatch != null) {
          addLocalLeafFiles(localMatch, files);
        } else if (match.isDirectory()) {
          addLeafFiles(fs, match.getPath(), files);
        } else {
          files.add(new PartFile(match.getPath(), localMatch));
        }
      }
      folder = matches.length == 1 && matches[0].isDirectory() ? matches[0].getPath() : null;
    }
    files.sort(java.util.Comparator.comparing(PartFile::path));
    return new Listing(files, folder);
  }

  /**
   * An empty folder or a folder of images is a common first mistake: say so before any footer is read and
   * before Spark infers a schema from nothing.
   */
  private static void checkLooksLikeATable(String table, Path root, List<PartFile> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("Token table " + table + " has no part files (it is empty, or holds only"
          + " names starting with _ or .); pass the --output folder of a finished fsq tokenize");
    }
    boolean anyParquet = files.stream().anyMatch(file -> file.path().getName().endsWith(".parquet"));
    PartFile image = files.stream().filter(file -> InputListing.IMAGE_EXTENSIONS.contains(extension(file))).findFirst()
        .orElse(null);
    if (!anyParquet && image != null) {
      throw new IllegalArgumentException(table + " holds images (" + relative(root, image.path()) + " and "
          + (files.size() - 1) + " more files), not tokens; tokenize them first: fsq tokenize --input " + table
          + " --output TOKENS, then pass TOKENS");
    }
  }

  private static String extension(PartFile file) {
    String name = file.path().getName();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
  }

  private static IllegalArgumentException doesNotExist(String table) {
    return new IllegalArgumentException("Token table " + table + " does not exist; pass the --output folder of"
        + " fsq tokenize");
  }

  private static void addLeafFiles(FileSystem fs, Path folder, List<PartFile> files) throws IOException {
    for (FileStatus child : fs.listStatus(folder)) {
      String name = child.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (child.isDirectory()) {
        addLeafFiles(fs, child.getPath(), files);
      } else {
        files.add(new PartFile(child.getPath(), null));
      }
    }
  }

  private static void addLocalLeafFiles(java.nio.file.Path folder, List<PartFile> files) throws IOException {
    try (DirectoryStream<java.nio.file.Path> children = Files.newDirectoryStream(folder)) {
      for (java.nio.file.Path child : children) {
        String name = child.getFileName().toString();
        if (name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        if (Files.isDirectory(child)) {
          addLocalLeafFiles(child, files);
        } else {
          files.add(new PartFile(new Path(child.toUri()), child));
        }
      }
    }
  }

  private static List<Path> paths(List<PartFile> files) {
    return files.stream().map(PartFile::path).toList();
  }

  /** The manifest JSON in each file's footer, null where there is none; remote ones read in parallel. */
  private static String[] footers(Configuration conf, String table, List<PartFile> files) throws IOException {
    // With the caller's configuration: a plain builder loads a new Hadoop Configuration for every file.
    ParquetReadOptions options = HadoopReadOptions.builder(conf)
        .withMetadataFilter(ParquetMetadataConverter.SKIP_ROW_GROUPS).build();
    String[] footers = new String[files.size()];
    if (files.size() < 2 || files.get(0).local() != null) {
      for (int i = 0; i < footers.length; i++) {
        footers[i] = footerManifest(conf, options, table, files.get(i));
      }
      return footers;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_READS, files.size()), runnable -> {
      Thread thread = new Thread(runnable, "fsq-footers");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<String>> reads = new ArrayList<>();
      for (PartFile file : files) {
        reads.add(pool.submit(() -> footerManifest(conf, options, table, file)));
      }
      for (int i = 0; i < footers.length; i++) {
        footers[i] = reads.get(i).get();
      }
      return footers;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while reading the footers of " + table, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The manifest JSON of one file's footer: key {@code fsq.tokenizer}, else Spark's field metadata of tokens. */
  private static String footerManifest(Configuration conf, ParquetReadOptions options, String table, PartFile file)
      throws IOException {
    InputFile input = file.local() != null ? new LocalInputFile(file.local()) : HadoopInputFile.fromPath(file.path(),
        conf);
    Map<String, String> metadata;
    try (ParquetFileReader reader = ParquetFileReader.open(input, options)) {
      metadata = reader.getFooter().getFileMetaData().getKeyValueMetaData();
    } catch (IOException | RuntimeException e) {
      if (StorageFailures.isTransient(e)) {
        throw e;
      }
      throw new IllegalArgumentException("Part file " + file.path() + " of token table " + table + " is not readable"
          + " Parquet (" + e.getMessage() + "); remove it or re-run the job that wrote it", e);
    }
    String json = metadata.get(TokenTable.MANIFEST_KEY);
    return json != null ? json : sparkFieldManifest(metadata.get(TokenTable.SPARK_ROW_METADATA));
  }

  private static String sparkFieldManifest(String sparkSchema) {
    if (sparkSchema == null) {
      return null;
    }
    try {
      for (JsonElement field : JsonParser.parseString(sparkSchema).getAsJsonObject().getAsJsonArray("fields")) {
        JsonObject object = field.getAsJsonObject();
        if (TokenTable.TOKENS.equals(object.get("name").getAsString()) && object.has("metadata")) {
          JsonElement json = object.getAsJsonObject("metadata").get(TokenTable.MANIFEST_KEY);
          return json == null || json.isJsonNull() ? null : json.getAsString();
        }
      }
    } catch (RuntimeException e) {
      // Spark's schema is a hint for Spark; a table without a readable one carries no manifest there.
    }
    return null;
  }

  /** The one manifest all footers carry, null when none carries one; throws when they disagree. */
  private static TokenizerManifest agreeingFooters(String table, Path root, List<PartFile> files, String[] footers) {
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
        throw new IllegalArgumentException("Token table " + table + " mixes part files with and without a tokenizer"
            + " manifest in their footers: " + firstFile + " has one (" + first.name() + " " + first.version()
            + ", levels " + first.levels() + ") and " + relative(root, file) + " has none; keep the files of one"
            + " tokenizer per table");
      }
      // Files of one tokenizer carry the same text, so each distinct manifest is parsed once.
      TokenizerManifest manifest = parsed.computeIfAbsent(footers[i],
          text -> TokenizerManifest.fromJson(text, file.toString()));
      if (!manifest.equals(first)) {
        throw new IllegalArgumentException("Token table " + table + " mixes tokenizers: " + firstFile + " and "
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
  private static String relative(Path root, Path file) {
    String prefix = root.toUri().getPath();
    String path = file.toUri().getPath();
    return prefix != null && path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")
        ? path.substring(prefix.length() + (prefix.endsWith("/") ? 0 : 1)) : file.toString();
  }

  private static String readText(FileSystem fs, Path file) throws IOException {
    try (FSDataInputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

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
import org.fsqspark.error.BadDataException;
import org.fsqspark.error.BadInputException;

/**
 * The part files of a token table as Spark lists them (a glob's matches, folders recursively, names starting
 * with _ or . skipped), and the tokenizer manifest JSON in each one's Parquet footer (footers only, no row
 * group metadata; remote ones read in parallel).
 */
final class TableParts {
  /** Remote stores answer footer reads one round trip at a time; this many run at once. */
  private static final int PARALLEL_READS = 16;
  private static final Pattern GLOB = Pattern.compile("[*?\\[{]");

  private TableParts() {}

  /** A part file, and its java.nio path when it is local. */
  record PartFile(Path path, java.nio.file.Path local) {}

  /** The part files, and the table's folder when it is one (where {@code _tokenizer.json} may be). */
  record Listing(List<PartFile> files, Path folder) {}

  /**
   * Data files as Spark lists them: a glob's matches, folders recursively, names starting _ or . skipped.
   * Local folders are listed with java.nio: Hadoop's local listing and path qualification take longer than
   * reading the footers.
   */
  static Listing list(Configuration conf, FileSystem fs, Path location, String table) throws IOException {
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
  static void checkLooksLikeATable(String table, Path root, List<PartFile> files) {
    if (files.isEmpty()) {
      throw new BadInputException("Token table " + table + " has no part files (it is empty, or holds only"
          + " names starting with _ or .); pass the --output folder of a finished fsq tokenize");
    }
    boolean anyParquet = files.stream().anyMatch(file -> file.path().getName().endsWith(".parquet"));
    PartFile image = files.stream().filter(file -> InputListing.IMAGE_EXTENSIONS.contains(extension(file))).findFirst()
        .orElse(null);
    if (!anyParquet && image != null) {
      throw new BadInputException(table + " holds images (" + TableManifest.relative(root, image.path()) + " and "
          + (files.size() - 1) + " more files), not tokens; tokenize them first: fsq tokenize --input " + table
          + " --output TOKENS, then pass TOKENS");
    }
  }

  private static String extension(PartFile file) {
    String name = file.path().getName();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
  }

  private static BadInputException doesNotExist(String table) {
    return new BadInputException("Token table " + table + " does not exist; pass the --output folder of"
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

  static List<Path> paths(List<PartFile> files) {
    return files.stream().map(PartFile::path).toList();
  }

  /** The manifest JSON in each file's footer, null where there is none; remote ones read in parallel. */
  static String[] footers(Configuration conf, String table, List<PartFile> files) throws IOException {
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
      throw new BadDataException("Part file " + file.path() + " of token table " + table + " is not readable"
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
}

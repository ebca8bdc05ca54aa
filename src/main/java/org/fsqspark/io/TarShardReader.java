package org.fsqspark.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * One WebDataset tar: consecutive entries with the same key (the path up to the first '.' of the file
 * name) form a sample; its image entry ({@code jpg}, {@code jpeg}, {@code png}, {@code webp}, ...) is the
 * image, and {@code cls} (integer), {@code txt} and {@code json} entries are passthrough values.
 * Ids are {@code <tar name without .tar>/<key>}. A tar that breaks off mid-way ends the shard with a reject
 * naming the break; the samples before it are kept.
 */
final class TarShardReader implements ShardReader {
  private final ReadOptions options;
  private final String source;
  private final String shardName;
  private final TarArchiveInputStream tar;
  private TarArchiveEntry lookahead;
  private byte[] lookaheadBytes;
  private String lookaheadError;
  private boolean exhausted;
  private String brokenReason;

  TarShardReader(Shard shard, Configuration conf, ReadOptions options) throws IOException {
    this.options = options;
    this.source = shard.files().get(0).path();
    String name = source.substring(source.lastIndexOf('/') + 1);
    this.shardName = name.endsWith(".tar") ? name.substring(0, name.length() - 4) : name;
    InputStream raw;
    try {
      raw = open(source, conf);
    } catch (IOException e) {
      if (!StorageFailures.isAboutTheFile(e)) {
        throw e;
      }
      // A tar that is gone or cannot be opened is one reject, like a tar that breaks off; the job goes on.
      raw = InputStream.nullInputStream();
      exhausted = true;
      brokenReason = "tar " + source + " cannot be opened: " + e.getMessage();
    }
    this.tar = new TarArchiveInputStream(new BufferedInputStream(raw, 1 << 20));
    advance();
  }

  private static InputStream open(String location, Configuration conf) throws IOException {
    if (FileNames.isLocal(location)) {
      return java.nio.file.Files.newInputStream(FileNames.localPath(location));
    }
    Path path = FileNames.hadoopPath(location);
    return path.getFileSystem(conf).open(path);
  }

  @Override
  public boolean hasNext() {
    return lookahead != null || brokenReason != null;
  }

  @Override
  public InputRecord next() {
    if (lookahead == null) {
      if (brokenReason != null) {
        String reason = brokenReason;
        brokenReason = null;
        return new InputRecord(shardName + "/#unreadable", source, InputRecord.unreadable(reason), nulls());
      }
      throw new NoSuchElementException();
    }
    String key = keyOf(lookahead.getName());
    byte[] image = null;
    String imageError = null;
    String otherExtensions = "";
    Object[] passthrough = nulls();
    while (lookahead != null && keyOf(lookahead.getName()).equals(key)) {
      String extension = extensionOf(lookahead.getName());
      if (isImage(extension) && image == null && imageError == null) {
        image = lookaheadBytes;
        imageError = lookaheadError;
      } else {
        int column = passthroughIndex(extension);
        if (column >= 0 && lookaheadBytes != null) {
          passthrough[column] = parse(extension, lookaheadBytes);
        }
        otherExtensions += (otherExtensions.isEmpty() ? "" : ", ") + "." + extension;
      }
      advance();
    }
    InputRecord.Bytes bytes;
    if (image != null) {
      bytes = InputRecord.inMemory(image);
    } else if (imageError != null) {
      bytes = InputRecord.unreadable(imageError);
    } else {
      bytes = InputRecord.unreadable("sample has no image entry (found " + otherExtensions + ")");
    }
    return new InputRecord(shardName + "/" + key, source + "#" + key, bytes, passthrough);
  }

  /** Reads the next regular entry and its bytes (or why they were skipped). */
  private void advance() {
    lookahead = null;
    lookaheadBytes = null;
    lookaheadError = null;
    if (exhausted) {
      return;
    }
    try {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null && !entry.isFile()) {
        // directories and links carry no sample data
      }
      if (entry == null) {
        exhausted = true;
        return;
      }
      lookahead = entry;
      if (entry.getSize() > options.maxImageBytes()) {
        lookaheadError = "entry " + entry.getName() + " of " + entry.getSize() + " bytes is larger than the "
            + options.maxImageBytes() + " bytes an encoded image may have";
        return;
      }
      lookaheadBytes = tar.readAllBytes();
      if (lookaheadBytes.length != entry.getSize()) {
        throw new IOException("entry " + entry.getName() + " is truncated: " + lookaheadBytes.length + " of "
            + entry.getSize() + " bytes");
      }
    } catch (IOException | RuntimeException e) {
      if (StorageFailures.isTransient(e)) {
        throw new java.io.UncheckedIOException("Reading " + source + " failed: " + e.getMessage(),
            e instanceof IOException io ? io : new IOException(e));
      }
      exhausted = true;
      lookahead = null;
      brokenReason = "tar " + source + " breaks off: " + e.getMessage();
    }
  }

  private Object[] nulls() {
    return new Object[options.passthrough().size()];
  }

  private int passthroughIndex(String extension) {
    for (int i = 0; i < options.passthrough().size(); i++) {
      if (options.passthrough().get(i).name().equals(extension)) {
        return i;
      }
    }
    return -1;
  }

  private static Object parse(String extension, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (extension.equals("cls")) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return text;
  }

  static String keyOf(String entryName) {
    int slash = entryName.lastIndexOf('/');
    int dot = entryName.indexOf('.', slash + 1);
    return dot < 0 ? entryName : entryName.substring(0, dot);
  }

  static String extensionOf(String entryName) {
    int slash = entryName.lastIndexOf('/');
    int dot = entryName.indexOf('.', slash + 1);
    return dot < 0 ? "" : entryName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static boolean isImage(String extension) {
    return InputListing.IMAGE_EXTENSIONS.contains(extension);
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}

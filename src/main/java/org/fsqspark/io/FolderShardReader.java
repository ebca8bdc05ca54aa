package org.fsqspark.io;

import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/** Image files of a folder shard; bytes are read when a decode thread asks for them. */
final class FolderShardReader implements ShardReader {
  private final Iterator<InputListing.Entry> files;
  private final String root;
  private final Configuration conf;
  private final ReadOptions options;

  FolderShardReader(Shard shard, String root, Configuration conf, ReadOptions options) {
    this.files = shard.files().iterator();
    this.root = root.endsWith("/") ? root : root + "/";
    this.conf = conf;
    this.options = options;
  }

  @Override
  public boolean hasNext() {
    return files.hasNext();
  }

  @Override
  public InputRecord next() {
    if (!files.hasNext()) {
      throw new NoSuchElementException();
    }
    InputListing.Entry file = files.next();
    return new InputRecord(idOf(file.path()), file.path(), () -> read(file), new Object[0]);
  }

  private byte[] read(InputListing.Entry file) throws InputRecord.UnreadableInputException {
    if (file.length() > options.maxImageBytes()) {
      throw new InputRecord.UnreadableInputException("file of " + file.length() + " bytes is larger than the "
          + options.maxImageBytes() + " bytes an encoded image may have");
    }
    try {
      if (FileNames.isLocal(file.path())) {
        java.nio.file.Path local = FileNames.localPath(file.path());
        if (java.nio.file.Files.isSymbolicLink(local) && !java.nio.file.Files.exists(local)) {
          throw new InputRecord.UnreadableInputException("a symbolic link to " + java.nio.file.Files.readSymbolicLink(local)
              + ", which does not exist");
        }
        // Hadoop's checksummed local file system costs ten times more per small file than plain java.nio,
        // and cannot open a name that is not UTF-8.
        return java.nio.file.Files.readAllBytes(local);
      }
      Path path = FileNames.hadoopPath(file.path());
      try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
        byte[] bytes = new byte[(int) file.length()];
        in.readFully(0, bytes);
        return bytes;
      }
    } catch (IOException e) {
      if (StorageFailures.isAboutTheFile(e)) {
        throw new InputRecord.UnreadableInputException("cannot read the file: " + e.getMessage(), e);
      }
      // The storage failed, not the file: fail the task so Spark retries it, rather than reject a good image.
      throw new java.io.UncheckedIOException("Reading " + file.path() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The path relative to the input root, literally as listed (never parsed as a URI, where '#', '?' and '%'
   * mean something): stable when the same data is read from another mount or bucket.
   */
  private String idOf(String path) {
    if (path.startsWith(root)) {
      return path.substring(root.length());
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }
}

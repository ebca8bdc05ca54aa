package org.fsqspark.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file of a folder shard that cannot be opened is a read reject of that file, never a failed task. */
class FolderShardReaderTest {
  @TempDir
  Path work;

  @Test
  void aListedFileThatCannotBeOpenedIsAReadRejectNotATaskFailure() throws Exception {
    Files.write(work.resolve("gone.png"), new byte[] {1});
    Configuration conf = new Configuration();
    InputListing.Result listing = InputListing.list(conf, work.toString(), null);
    Shard shard = new Shard(0, InputFormat.FOLDER, listing.files());
    // Deleted between listing and reading, as by another process: NoSuchFileException used to fail the task
    // (and, retried, the job) as if the storage were down.
    Files.delete(work.resolve("gone.png"));
    try (FolderShardReader reader = new FolderShardReader(shard, listing.root(), conf,
        new ReadOptions("image", null, List.of(), ReadOptions.DEFAULT_MAX_IMAGE_BYTES))) {
      InputRecord record = reader.next();
      assertThat(record.id()).isEqualTo("gone.png");
      assertThatThrownBy(() -> record.bytes().read()).isInstanceOf(InputRecord.UnreadableInputException.class)
          .hasMessageContaining("gone.png");
    }
  }
}

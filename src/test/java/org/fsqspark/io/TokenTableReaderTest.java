package org.fsqspark.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.contract.TokenizerManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenTableReaderTest {
  @TempDir
  Path work;

  private static TokenizerManifest manifest(String name) {
    return TokenizerManifest.fromJson("{\"name\": \"" + name + "\", \"version\": \"1\", \"format\": \"torchscript\","
        + " \"levels\": [4, 4], \"bound\": \"none\", \"channels\": 1, \"pixel_range\": [0, 1], \"input_size\": [8, 8],"
        + " \"downsample\": 4, \"output\": \"indices\", \"weights\": \"encoder.pt\"}", name);
  }

  /** Writes rows {@code prefix-from .. prefix-(to-1)} (2x2 grids, label i mod 3) into {@code files} part files. */
  private Path table(String name, TokenizerManifest manifest, String prefix, int from, int to, int files)
      throws Exception {
    Path folder = Files.createDirectories(work.resolve(name));
    List<Column> passthrough = List.of(Column.optional("label", ColumnType.LONG));
    List<Column> columns = new ArrayList<>(TokenTable.COLUMNS);
    columns.addAll(passthrough);
    for (int f = 0; f < files; f++) {
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(folder.resolve(
          String.format("part-%05d.parquet", f)).toUri());
      try (ParquetRowWriter writer = new ParquetRowWriter(new Configuration(), file, columns,
          TokenTable.footer(manifest, passthrough))) {
        for (int i = from + f; i < to; i += files) {
          writer.write(new Object[] {prefix + "-" + i, new int[] {i % 16, 1, 2, 3}, 2, 2, 8, 8, (long) (i % 3)});
        }
      }
    }
    return folder;
  }

  private static List<String> ids(TokenTableReader.RowStream rows) {
    List<String> ids = new ArrayList<>();
    try (rows) {
      rows.forEachRemaining(row -> ids.add(row.id()));
    }
    return ids;
  }

  @Test
  void readsRowsWithTheirManifestAndPassthrough() throws Exception {
    Path folder = table("t", manifest("a"), "img", 0, 10, 3);
    TokenTableReader reader = TokenTableReader.open(new Configuration(), folder.toString());
    assertThat(reader.manifest()).isEqualTo(manifest("a"));
    assertThat(reader.files()).hasSize(3);
    assertThat(reader.rowCount()).isEqualTo(10);
    try (TokenTableReader.RowStream rows = reader.rows(new IdSplit(0), IdSplit.Part.ALL, List.of("label"))) {
      TokenRow first = rows.next();
      assertThat(first.id()).isEqualTo("img-0");
      assertThat(first.tokens()).containsExactly(0, 1, 2, 3);
      assertThat(first.gridHeight()).isEqualTo(2);
      assertThat(first.consistent()).isTrue();
      assertThat(first.passthrough()).containsExactly(0L);
    }
  }

  @Test
  void theValidationSplitDependsOnTheIdAloneSoItIsStableWhenTheTableGrows() throws Exception {
    IdSplit split = new IdSplit(0.2);
    TokenTableReader small = TokenTableReader.open(new Configuration(), table("small", manifest("a"), "img", 0, 500, 2)
        .toString());
    TokenTableReader grown = TokenTableReader.open(new Configuration(), table("grown", manifest("a"), "img", 0, 2000, 7)
        .toString());
    Set<String> validationSmall = new HashSet<>(ids(small.rows(split, IdSplit.Part.VALIDATION, List.of())));
    Set<String> validationGrown = new HashSet<>(ids(grown.rows(split, IdSplit.Part.VALIDATION, List.of())));
    Set<String> trainSmall = new HashSet<>(ids(small.rows(split, IdSplit.Part.TRAIN, List.of())));
    // Every id of the small table keeps its side in the grown one; the share is close to the fraction.
    for (String id : validationSmall) {
      assertThat(validationGrown).contains(id);
    }
    for (String id : trainSmall) {
      assertThat(validationGrown).doesNotContain(id);
    }
    assertThat(validationSmall.size() + trainSmall.size()).isEqualTo(500);
    assertThat(validationGrown.size()).isBetween(340, 460);
    // Any seed and epoch shuffle leaves the split alone.
    Set<String> shuffled = new HashSet<>(ids(grown.epoch(split, IdSplit.Part.VALIDATION, List.of(), 99, 3, 50)));
    assertThat(shuffled).isEqualTo(validationGrown);
    // The documented formula, as Python computes it, for one id.
    assertThat(IdSplit.unit("img-0")).isBetween(0.0, 1.0);
    assertThat(IdSplit.unit("img-0")).isEqualTo(IdSplit.unit("img-0"));
  }

  @Test
  void epochsAreSeededPermutationsThroughABoundedBuffer() throws Exception {
    TokenTableReader reader = TokenTableReader.open(new Configuration(), table("t", manifest("a"), "img", 0, 300, 4)
        .toString());
    IdSplit all = new IdSplit(0);
    List<String> inOrder = ids(reader.rows(all, IdSplit.Part.ALL, List.of()));
    List<String> first = ids(reader.epoch(all, IdSplit.Part.ALL, List.of(), 1, 1, 1000));
    List<String> again = ids(reader.epoch(all, IdSplit.Part.ALL, List.of(), 1, 1, 1000));
    List<String> nextEpoch = ids(reader.epoch(all, IdSplit.Part.ALL, List.of(), 1, 2, 1000));
    assertThat(first).isEqualTo(again).containsExactlyInAnyOrderElementsOf(inOrder).isNotEqualTo(inOrder);
    assertThat(nextEpoch).containsExactlyInAnyOrderElementsOf(inOrder).isNotEqualTo(first);
    // A buffer of one row cannot reorder rows inside a file: only the file order changes.
    List<String> unbuffered = ids(reader.epoch(all, IdSplit.Part.ALL, List.of(), 1, 1, 1));
    List<String> filesInOrder = new ArrayList<>();
    for (String id : unbuffered) {
      int file = Integer.parseInt(id.substring(4)) % 4;
      if (filesInOrder.isEmpty() || !filesInOrder.get(filesInOrder.size() - 1).equals(String.valueOf(file))) {
        filesInOrder.add(String.valueOf(file));
      }
    }
    assertThat(filesInOrder).hasSize(4);
    // With a buffer of 10 rows a row moves at most 10 places earlier than where its file put it.
    List<String> buffered = ids(reader.epoch(all, IdSplit.Part.ALL, List.of(), 1, 1, 10));
    for (int i = 0; i < buffered.size(); i++) {
      assertThat(unbuffered.indexOf(buffered.get(i))).isLessThanOrEqualTo(i + 10);
    }
  }

  @Test
  void tablesMixingTokenizersOrDisagreeingWithTheirSideFileAreRefused() throws Exception {
    Path mixed = table("mixed", manifest("a"), "a", 0, 10, 1);
    Path other = table("other", manifest("b"), "b", 0, 10, 1);
    Files.move(other.resolve("part-00000.parquet"), mixed.resolve("part-00001.parquet"));
    assertThatThrownBy(() -> TokenTableReader.open(new Configuration(), mixed.toString()))
        .hasMessageContaining("mixes tokenizers").hasMessageContaining("part-00000.parquet")
        .hasMessageContaining("part-00001.parquet");

    Path side = table("side", manifest("a"), "a", 0, 10, 1);
    Files.writeString(side.resolve(TokenTable.MANIFEST_FILE), manifest("c").toJson());
    assertThatThrownBy(() -> TokenTableReader.open(new Configuration(), side.toString()))
        .hasMessageContaining("_tokenizer.json").hasMessageContaining("disagrees with the footer");

    assertThatThrownBy(() -> TokenTableReader.open(new Configuration(), work.resolve("none").toString()))
        .hasMessageContaining("does not exist");
    Files.createDirectories(work.resolve("empty"));
    assertThatThrownBy(() -> TokenTableReader.open(new Configuration(), work.resolve("empty").toString()))
        .hasMessageContaining("has no part files");
    assertThatThrownBy(() -> new IdSplit(1.0)).hasMessageContaining("must be in [0, 1)");
  }
}

package org.fsqspark.io.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportLayoutTest {
  @Test
  void everyRankGoesToOneFileAndFilesOfASplitDifferByAtMostOneRow() {
    for (long[] rows : List.of(new long[] {69_339, 661, 0}, new long[] {1, 1, 1}, new long[] {1000, 0, 7},
        new long[] {99, 101, 3})) {
      for (int rowsPerFile : new int[] {1, 7, 90, 10_000}) {
        ExportLayout layout = ExportLayout.of(rows[0], rows[1], rows[2], rowsPerFile);
        long[] filled = new long[layout.partitions()];
        int previous = -1;
        for (long rank = 0; rank < layout.totalRows(); rank++) {
          int partition = layout.partitionOf(rank);
          // Ranks run through the files in order: each file is one contiguous run of the shuffled order.
          assertThat(partition).isBetween(previous, previous + 1);
          previous = partition;
          filled[partition]++;
        }
        for (Split split : Split.values()) {
          List<Long> sizes = new ArrayList<>();
          for (int file = 0; file < layout.files(split); file++) {
            long size = layout.rowsInFile(split, file);
            assertThat(filled[layout.firstPartition(split) + file]).isEqualTo(size);
            assertThat(layout.splitOfPartition(layout.firstPartition(split) + file)).isEqualTo(split);
            sizes.add(size);
          }
          if (!sizes.isEmpty()) {
            long most = sizes.stream().mapToLong(Long::longValue).max().orElseThrow();
            long fewest = sizes.stream().mapToLong(Long::longValue).min().orElseThrow();
            assertThat(most).isLessThanOrEqualTo(rowsPerFile);
            assertThat(most - fewest).isLessThanOrEqualTo(1);
            assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(layout.rows(split));
          }
        }
      }
    }
  }

  @Test
  void theShuffleKeyDependsOnTheSeedAndTheIdOnly() {
    assertThat(ShuffleKey.of(1, "a", null)).isEqualTo(ShuffleKey.of(1, "a", null));
    assertThat(ShuffleKey.of(1, "a", null)).isNotEqualTo(ShuffleKey.of(2, "a", null));
    assertThat(ShuffleKey.of(1, "ab", "c")).isNotEqualTo(ShuffleKey.of(1, "a", "bc"));
    assertThat(ExportKey.of(Split.TRAIN, 5, "z")).isLessThan(ExportKey.of(Split.VALIDATION, 5, "a"));
  }

  @Test
  void settingsOutsideTheirRangeAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> new ExportSettings(ExportFormat.BIN, 0, 0, 10, null, false))
        .hasMessage("--validation must be a share strictly between 0 and 1 (e.g. 0.01), got 0.0");
    assertThatThrownBy(() -> new ExportSettings(ExportFormat.BIN, 0, 0.1, 0, null, false))
        .hasMessageContaining("--rows-per-file must be at least 1, got 0");
    assertThatThrownBy(() -> ExportFormat.of("csv")).hasMessageContaining("Unknown export --format 'csv'");
    assertThat(TokenDtype.forValues(65_536)).isEqualTo(TokenDtype.UINT16);
    assertThat(TokenDtype.forValues(65_537)).isEqualTo(TokenDtype.UINT32);
  }
}

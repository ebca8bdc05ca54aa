package org.fsqspark.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.contract.TokenizerManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a token table's manifest from its part files' footers, without Spark. */
class TableManifestTest {
  private static final TokenizerManifest DEFAULT = TokenizerManifest.fromJson(
      ModelPackage.bundledDefault().manifestJson(), "bundled default");

  @TempDir
  Path work;

  private final Configuration conf = new Configuration();

  @Test
  void footersOfSeveralHundredLocalFilesAreReadQuickly() throws Exception {
    Path table = Files.createDirectories(work.resolve("table"));
    for (int i = 0; i < 300; i++) {
      writePart(table.resolve(String.format("part-%05d.parquet", i)), TokenTable.footer(DEFAULT, List.of()));
    }
    TableManifest.read(conf, table.toString()); // class loading and the first file system are not the point
    long start = System.nanoTime();
    TableManifest read = TableManifest.read(conf, table.toString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("TableManifestTest: footers of 300 local part files read in " + millis + " ms");
    assertThat(read.manifest()).contains(DEFAULT);
    assertThat(read.partFiles()).hasSize(300);
    // Generous for a shared 2-core machine; per-file process starts or full footers would take far longer.
    assertThat(millis).isLessThan(3000);
  }

  @Test
  void sparkFieldMetadataGlobsAndSideFilesAreRead() throws Exception {
    Path table = Files.createDirectories(work.resolve("table"));
    // Spark's writer keeps the manifest only as field metadata of tokens in its schema JSON.
    Map<String, String> sparkOnly = Map.of(TokenTable.SPARK_ROW_METADATA,
        TokenTable.footer(DEFAULT, List.of()).get(TokenTable.SPARK_ROW_METADATA));
    writePart(table.resolve("part-00000.parquet"), sparkOnly);
    writePart(table.resolve("part-00001.parquet"), TokenTable.footer(DEFAULT, List.of()));
    Files.writeString(table.resolve(".part-00002.parquet.crc"), "not data");
    assertThat(TableManifest.read(conf, table.toString()).manifest()).contains(DEFAULT);
    assertThat(TableManifest.read(conf, table + "/part-0000[01].parquet").partFiles()).hasSize(2);

    Path foreign = Files.createDirectories(work.resolve("foreign"));
    writePart(foreign.resolve("data.parquet"), Map.of());
    assertThat(TableManifest.read(conf, foreign.toString()).manifest()).isEmpty();
    Files.writeString(foreign.resolve(TokenTable.MANIFEST_FILE), DEFAULT.toJson());
    assertThat(TableManifest.read(conf, foreign.toString()).manifest()).contains(DEFAULT);
  }

  @Test
  void aPartFileThatIsNotParquetIsNamed() throws Exception {
    Path table = Files.createDirectories(work.resolve("table"));
    writePart(table.resolve("part-00000.parquet"), TokenTable.footer(DEFAULT, List.of()));
    Files.writeString(table.resolve("part-00001.parquet"), "not parquet");
    assertThatThrownBy(() -> TableManifest.read(conf, table.toString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("part-00001.parquet")
        .hasMessageContaining("is not readable Parquet");
    assertThatThrownBy(() -> TableManifest.read(conf, work.resolve("missing").toString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
  }

  private void writePart(Path file, Map<String, String> footer) throws Exception {
    try (ParquetRowWriter writer = new ParquetRowWriter(conf, new org.apache.hadoop.fs.Path(file.toUri()),
        TokenTable.COLUMNS, footer)) {
      writer.write(new Object[] {file.getFileName().toString(), new int[49], 7, 7, 28, 28});
    }
  }
}

package org.fsqspark.prior;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.fsqspark.io.Column;
import org.fsqspark.io.ColumnType;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.io.TokenTable;
import org.fsqspark.contract.TokenizerManifest;

/** Small token tables written the way tokenize writes them, with grids a tiny prior can learn. */
final class TokenTables {
  private TokenTables() {}

  /** A manifest of a (never loaded) TorchScript tokenizer with these levels and grid. */
  static TokenizerManifest manifest(String name, int[] levels, int gridHeight, int gridWidth) {
    StringBuilder levelList = new StringBuilder();
    for (int level : levels) {
      levelList.append(levelList.length() == 0 ? "" : ", ").append(level);
    }
    String json = "{\"name\": \"" + name + "\", \"version\": \"1\", \"format\": \"torchscript\", \"levels\": ["
        + levelList + "], \"bound\": \"none\", \"channels\": 1, \"pixel_range\": [0, 1], \"input_size\": ["
        + 4 * gridHeight + ", " + 4 * gridWidth + "], \"downsample\": 4, \"output\": \"indices\", \"weights\": \"encoder.pt\"}";
    return TokenizerManifest.fromJson(json, name);
  }

  /** A grid with structure: every token is {@code base}, except one position in ten replaced by noise. */
  static int[] structuredGrid(Random random, int base, int height, int width, int codes) {
    int[] grid = new int[height * width];
    for (int r = 0; r < height; r++) {
      for (int c = 0; c < width; c++) {
        grid[r * width + c] = random.nextInt(10) == 0 ? random.nextInt(codes) : base;
      }
    }
    return grid;
  }

  /** Rows of structured grids: ids {@code prefix-i}, label = base mod 4. */
  static List<Object[]> structuredRows(String prefix, int count, long seed, TokenizerManifest manifest) {
    Random random = new Random(seed);
    int codes = manifest.levels().codebookSize();
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int base = random.nextInt(codes);
      int[] grid = structuredGrid(random, base, manifest.gridHeight(), manifest.gridWidth(), codes);
      rows.add(new Object[] {prefix + "-" + i, grid, manifest.gridHeight(), manifest.gridWidth(),
          4 * manifest.gridHeight(), 4 * manifest.gridWidth(), (long) (base % 4)});
    }
    return rows;
  }

  /** Writes rows (token columns plus a {@code label} int64) into {@code parts} part files and the side manifest. */
  static Path write(Path table, TokenizerManifest manifest, List<Object[]> rows, int parts) throws IOException {
    Files.createDirectories(table);
    List<Column> passthrough = List.of(Column.optional("label", ColumnType.LONG));
    List<Column> columns = new ArrayList<>(TokenTable.COLUMNS);
    columns.addAll(passthrough);
    Configuration conf = new Configuration();
    for (int part = 0; part < parts; part++) {
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(table.resolve(
          String.format("part-%05d.parquet", part)).toUri());
      try (ParquetRowWriter writer = new ParquetRowWriter(conf, file, columns, TokenTable.footer(manifest,
          passthrough))) {
        for (int i = part; i < rows.size(); i += parts) {
          writer.write(rows.get(i));
        }
      }
    }
    Files.writeString(table.resolve(TokenTable.MANIFEST_FILE), manifest.toJson());
    return table;
  }
}

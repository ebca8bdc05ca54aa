package org.fsqspark.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fsqspark.fsq.Levels;
import org.fsqspark.io.Column;
import org.fsqspark.io.ColumnType;
import org.fsqspark.io.ParquetRowWriter;
import org.fsqspark.stats.CodebookHistogram;

/**
 * {@code histogram.parquet}: {@code index}, {@code count} and the level digits {@code d0..} of every code for
 * codebooks counted densely (up to 2^20 codes), of the used ones above; the levels in the footer.
 */
public final class HistogramTable {
  private HistogramTable() {}

  /** The table's columns for these levels. */
  public static List<Column> columns(Levels levels) {
    List<Column> columns = new ArrayList<>();
    columns.add(Column.required("index", ColumnType.INT));
    columns.add(Column.required("count", ColumnType.LONG));
    for (int c = 0; c < levels.channels(); c++) {
      columns.add(Column.required("d" + c, ColumnType.INT));
    }
    return columns;
  }

  public static void write(Configuration conf, Path file, Levels levels, CodebookHistogram histogram) {
    try (ParquetRowWriter writer = new ParquetRowWriter(conf, file, columns(levels),
        Map.of("fsq.levels", levels.toString()))) {
      int[] digits = new int[levels.channels()];
      if (histogram.isDense()) {
        for (int code = 0; code < levels.codebookSize(); code++) {
          writer.write(row(levels, code, histogram.count(code), digits));
        }
      } else {
        IOException[] failure = new IOException[1];
        histogram.forEachNonZero((code, count) -> {
          try {
            writer.write(row(levels, code, count, digits));
          } catch (IOException e) {
            failure[0] = e;
          }
        });
        if (failure[0] != null) {
          throw failure[0];
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static Object[] row(Levels levels, int code, long count, int[] digits) {
    levels.digitsOf(code, digits);
    Object[] row = new Object[2 + digits.length];
    row[0] = code;
    row[1] = count;
    for (int c = 0; c < digits.length; c++) {
      row[2 + c] = digits[c];
    }
    return row;
  }
}

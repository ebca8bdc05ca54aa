package org.fsqspark.io;

import java.util.List;

/** The tables decode writes: images as PNG bytes by id ({@code --format parquet}) and each image's PSNR. */
public final class DecodedTables {
  /** {@code images/part-NNNNN.parquet}: the decoded image of each id, PNG-encoded. */
  public static final List<Column> IMAGE_COLUMNS = List.of(Column.required(TokenTable.ID, ColumnType.STRING),
      Column.required("image", ColumnType.BINARY));
  /** {@code psnr/part-NNNNN.parquet}: each compared image's PSNR in dB against its original. */
  public static final List<Column> PSNR_COLUMNS = List.of(Column.required(TokenTable.ID, ColumnType.STRING),
      Column.required("psnr", ColumnType.DOUBLE));

  private DecodedTables() {}
}

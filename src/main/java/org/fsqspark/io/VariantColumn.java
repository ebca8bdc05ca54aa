package org.fsqspark.io;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.fsqspark.contract.Variants;
import org.fsqspark.error.BadInputException;

/**
 * The {@code variant} column of a token table read with Spark: tables tokenized with {@code --variants} hold one
 * row per image and variant; a table without the column holds one row per image, each {@code original}.
 */
public final class VariantColumn {
  private VariantColumn() {}

  /** Whether the table has the column. */
  public static boolean present(Dataset<Row> table) {
    return Arrays.asList(table.columns()).contains(TokenTable.VARIANT);
  }

  /** The variants the table holds, sorted; {@code [original]} for a table without the column. */
  public static List<String> names(Dataset<Row> table) {
    if (!present(table)) {
      return List.of(Variants.ORIGINAL);
    }
    return table.select(TokenTable.VARIANT).distinct().as(Encoders.STRING()).collectAsList().stream()
        .map(String::valueOf).sorted().toList();
  }

  /**
   * The rows of one variant, or all rows when {@code variant} is null.
   *
   * @throws BadInputException when the table holds no row of that variant, naming the ones it has
   */
  public static Dataset<Row> select(Dataset<Row> table, String variant, String input) {
    if (variant == null) {
      return table;
    }
    List<String> names = names(table);
    if (!names.contains(variant)) {
      throw new BadInputException("--variant " + variant + ": table " + input + " has no rows of that variant; it"
          + " has " + String.join(", ", names) + (present(table) ? "" : " (no variant column: it was tokenized"
          + " without --variants)"));
    }
    return present(table) ? table.filter(functions.col(TokenTable.VARIANT).equalTo(variant)) : table;
  }
}

package org.fsqspark.io;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.Variants;
import org.fsqspark.error.BadInputException;

/**
 * The rows of one augmentation variant of a token table, as a SQL condition on its {@code variant} column. The
 * variants a table holds come from its part files' footers ({@link PartVariants}); a table without the column
 * holds only {@link Variants#ORIGINAL}.
 */
public final class VariantFilter {
  private VariantFilter() {}

  /**
   * The condition that keeps the rows of {@code variant} ({@code true} for null: every row).
   *
   * @throws BadInputException when the table has no such variant, naming the ones it has
   */
  public static String condition(Configuration conf, List<Path> partFiles, String variant, String table) {
    // The name is one of the table's own (letters and hyphens), so it needs no escaping.
    return value(conf, partFiles, variant, table).map(name -> "`" + TokenTable.VARIANT + "` = '" + name + "'")
        .orElse("true");
  }

  /**
   * The value of the {@code variant} column that {@code variant} keeps, for readers of the part files themselves;
   * empty when every row is kept ({@code variant} null, or a table without the column, which holds only
   * {@link Variants#ORIGINAL}).
   *
   * @throws BadInputException when the table has no such variant, naming the ones it has
   */
  public static java.util.Optional<String> value(Configuration conf, List<Path> partFiles, String variant,
      String table) {
    if (variant == null) {
      return java.util.Optional.empty();
    }
    Variants variants = PartVariants.ofTable(conf, partFiles, table);
    List<String> names = variants.names().stream().sorted().toList();
    if (!names.contains(variant)) {
      throw new BadInputException("--variant " + variant + ": table " + table + " has no rows of that variant; it"
          + " has " + String.join(", ", names) + (variants.isNone() ? " (it was tokenized without --variants)" : ""));
    }
    return variants.isNone() ? java.util.Optional.empty() : java.util.Optional.of(variant);
  }
}

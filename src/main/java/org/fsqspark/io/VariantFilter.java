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
    if (variant == null) {
      return "true";
    }
    Variants variants = PartVariants.ofTable(conf, partFiles, table);
    List<String> names = variants.names().stream().sorted().toList();
    if (!names.contains(variant)) {
      throw new BadInputException("--variant " + variant + ": table " + table + " has no rows of that variant; it"
          + " has " + String.join(", ", names) + (variants.isNone() ? " (it was tokenized without --variants)" : ""));
    }
    // The name is one of the table's own (letters and hyphens), so it needs no escaping.
    return variants.isNone() ? "true" : "`" + TokenTable.VARIANT + "` = '" + variant + "'";
  }
}

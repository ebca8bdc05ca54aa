package org.fsqspark.io.export;

import java.io.Serializable;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.contract.Variants;
import org.fsqspark.error.BadInputException;
import org.fsqspark.error.BadDataException;

/**
 * Everything an executor needs to write its shard of an export: the settings, the file layout, the table's
 * tokenizer, the label column and its number of classes.
 *
 * @param input the token table, as given
 * @param labelColumn the integer class column the export carries, or null
 * @param classes 1 + the largest label (0 without labels): ClassLabel's size, and the class tokens' count
 * @param variants the table's augmentation variants ({@link Variants#NONE}: no variant column)
 */
public record ExportPlan(ExportSettings settings, ExportLayout layout, TokenizerManifest manifest, String input,
    String labelColumn, int classes, Variants variants) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The plan of a table without variants. */
  public ExportPlan(ExportSettings settings, ExportLayout layout, TokenizerManifest manifest, String input,
      String labelColumn, int classes) {
    this(settings, layout, manifest, input, labelColumn, classes, Variants.NONE);
  }

  public ExportPlan {
    if (settings == null || layout == null || manifest == null) {
      throw new IllegalArgumentException("An export plan needs settings, a layout and the tokenizer manifest");
    }
    variants = variants == null ? Variants.NONE : variants;
    if (classes < 0 || (settings.prefixLabel() && classes < 1)) {
      throw new BadDataException("--prefix label needs at least one labelled row, got " + classes
          + " classes");
    }
  }

  /**
   * The label column an export of {@code table} carries: the one {@code settings} names when the table has it as
   * an integer column, else null (an error with {@code --prefix label}, which needs it).
   */
  public static String labelColumn(org.fsqspark.io.TokenTableReader table, ExportSettings settings) {
    String name = settings.labelColumn();
    if (name == null) {
      return null;
    }
    String type = table.primitiveColumn(name);
    if (type == null) {
      if (settings.prefixLabel()) {
        throw new BadInputException("--prefix label needs the label column '" + name + "', which token table "
            + table.table() + " does not have; name the class column with --label");
      }
      return null;
    }
    if (!type.equals("INT32") && !type.equals("INT64")) {
      throw new BadDataException("Column '" + name + "' of " + table.table() + " is " + type
          + ", not an integer class index; name the class column with --label");
    }
    return name;
  }

  /** |C| of the table's tokenizer. */
  public int codebookSize() {
    return manifest.levels().codebookSize();
  }

  /** Tokens of one {@code bin} row: the grid, plus the class token with {@code --prefix label}. */
  public int rowTokens() {
    return manifest.tokensPerImage() + (settings.prefixLabel() ? 1 : 0);
  }

  /** The narrowest type that holds every token value, class tokens included. */
  public TokenDtype dtype() {
    return TokenDtype.forValues((long) codebookSize() + (settings.prefixLabel() ? classes : 0));
  }

  /** The rules a row must satisfy to be exported. */
  public RowRules rules() {
    return new RowRules(codebookSize(), manifest.gridHeight(), manifest.gridWidth(), settings.prefixLabel());
  }
}

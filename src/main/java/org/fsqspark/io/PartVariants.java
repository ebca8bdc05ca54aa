package org.fsqspark.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.fsqspark.error.BadDataException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.fsqspark.contract.Variants;

/**
 * What one part file of a token table says about augmentation variants, from its footer: whether its rows
 * carry the {@code variant} column, and the variants tokenize recorded ({@link Variants#NONE} when it recorded
 * none: a table tokenized without {@code --variants}, or one written by another tool).
 */
public record PartVariants(boolean column, Variants variants) {
  public static final PartVariants NONE = new PartVariants(false, Variants.NONE);

  /**
   * The variants every part file of a table records; {@link Variants#NONE} for a table without a variant column.
   *
   * @throws BadDataException when the parts disagree, or a part has the column but no record of its variants
   */
  public static Variants ofTable(Configuration conf, List<Path> files, String table) {
    PartVariants first = null;
    for (Path file : files) {
      PartVariants part;
      try {
        part = read(conf, file);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
      }
      if (part.column() && part.variants().isNone()) {
        throw new BadDataException("Part file " + file + " of token table " + table + " has a variant column but no"
            + " record of its variants (footer key " + TokenTable.VARIANTS_KEY + "); tokenize it with fsq tokenize"
            + " --variants");
      }
      if (first == null) {
        first = part;
      } else if (!first.equals(part)) {
        throw new BadDataException("Token table " + table + " mixes augmentation variants: " + files.get(0).getName()
            + " holds " + first.variants().spec() + ", " + file.getName() + " holds " + part.variants().spec()
            + "; export tables tokenized with one --variants");
      }
    }
    return first == null ? Variants.NONE : first.variants();
  }

  public static PartVariants read(Configuration conf, Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      boolean column = reader.getFooter().getFileMetaData().getSchema().containsField(TokenTable.VARIANT);
      Map<String, String> footer = reader.getFooter().getFileMetaData().getKeyValueMetaData();
      String json = footer.get(TokenTable.VARIANTS_KEY);
      return new PartVariants(column, json == null ? Variants.NONE : Variants.fromJson(json));
    }
  }
}

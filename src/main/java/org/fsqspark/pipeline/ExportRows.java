package org.fsqspark.pipeline;

import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fsqspark.contract.TokenizerManifest;
import org.fsqspark.io.IdSplit;
import org.fsqspark.io.TokenTable;
import org.fsqspark.io.TokenTableReader;
import org.fsqspark.io.export.ExportRow;
import org.fsqspark.io.export.RowRules;
import org.fsqspark.shard.ShardSource;

/** The rows of one part file as export rows; a row the reader cannot read becomes a reject. */
public final class ExportRows implements ShardSource.Rows<ExportRow> {
  private final TokenTableReader.RowStream rows;
  private final String source;
  private final RowRules rules;
  /** Where the variant is among the read columns, or -1 for a part without a variant column. */
  private final int variantAt;
  private ExportRow pending;

  private ExportRows(TokenTableReader.RowStream rows, String source, RowRules rules, int variantAt) {
    this.rows = rows;
    this.source = source;
    this.rules = rules;
    this.variantAt = variantAt;
  }

  /** Opens one part file that the driver already checked; {@code label} is the class column or null. */
  public static ExportRows open(Configuration conf, String input, String file, TokenizerManifest manifest,
      String label, boolean prefixLabel) {
    RowRules rules = new RowRules(manifest.levels().codebookSize(), manifest.gridHeight(), manifest.gridWidth(),
        prefixLabel);
    List<String> passthrough = new java.util.ArrayList<>(label == null ? List.of(TokenTable.HEIGHT, TokenTable.WIDTH)
        : List.of(TokenTable.HEIGHT, TokenTable.WIDTH, label));
    TokenTableReader part = TokenTableReader.ofCheckedFiles(conf, input, List.of(new Path(file)), manifest, 0);
    int variantAt = -1;
    if (part.primitiveColumn(TokenTable.VARIANT) != null) {
      variantAt = passthrough.size();
      passthrough.add(TokenTable.VARIANT);
    }
    return new ExportRows(part.rows(new IdSplit(0), IdSplit.Part.ALL, passthrough), file, rules, variantAt);
  }

  @Override
  public boolean hasNext() {
    if (pending == null) {
      pending = advance();
    }
    return pending != null;
  }

  private ExportRow advance() {
    try {
      if (!rows.hasNext()) {
        return null;
      }
      org.fsqspark.io.TokenRow row = rows.next();
      ExportRow exported = ExportRow.of(row, source, rules);
      return variantAt < 0 ? exported : exported.withVariant(row.passthrough()[variantAt] == null ? null
          : row.passthrough()[variantAt].toString());
    } catch (TokenTableReader.DamagedRowException e) {
      // The reader has consumed the damaged row; the stream goes on with the next one.
      return ExportRow.unreadable(e.id(), source, e.getMessage());
    }
  }

  @Override
  public ExportRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ExportRow row = pending;
    pending = null;
    return row;
  }

  @Override
  public void close() {
    rows.close();
  }
}

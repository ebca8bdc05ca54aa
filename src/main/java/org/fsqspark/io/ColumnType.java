package org.fsqspark.io;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The column types fsq-spark writes: the token table's own and the primitive passthrough types. */
public enum ColumnType {
  STRING(DataTypes.StringType),
  INT(DataTypes.IntegerType),
  LONG(DataTypes.LongType),
  FLOAT(DataTypes.FloatType),
  DOUBLE(DataTypes.DoubleType),
  BOOLEAN(DataTypes.BooleanType),
  BINARY(DataTypes.BinaryType),
  /** array<int32> without nulls: the token list. */
  INT_LIST(DataTypes.createArrayType(DataTypes.IntegerType, false));

  private final DataType sparkType;

  ColumnType(DataType sparkType) {
    this.sparkType = sparkType;
  }

  public DataType sparkType() {
    return sparkType;
  }
}

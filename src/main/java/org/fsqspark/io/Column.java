package org.fsqspark.io;

import java.io.Serializable;

/** A column of a table fsq-spark writes: name, type and whether it may be null. */
public record Column(String name, ColumnType type, boolean nullable) implements Serializable {
  public Column {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Column name is empty");
    }
    if (type == null) {
      throw new IllegalArgumentException("Column " + name + " has no type");
    }
  }

  public static Column required(String name, ColumnType type) {
    return new Column(name, type, false);
  }

  public static Column optional(String name, ColumnType type) {
    return new Column(name, type, true);
  }
}

package org.fsqspark.io.export;

/**
 * A part of an export, each in its own folder. The rejects hold the rows that could not be exported; they
 * are ranked after both splits and written like them, under {@code _rejects/}.
 */
public enum Split {
  TRAIN("train"),
  VALIDATION("validation"),
  REJECTS("_rejects");

  private final String folder;

  Split(String folder) {
    this.folder = folder;
  }

  /** The folder of this split inside the export. */
  public String folder() {
    return folder;
  }
}

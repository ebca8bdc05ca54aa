/**
 * What went wrong, as types that decide how a failure ends: {@link org.fsqspark.error.BadInputException} (a
 * user's argument, setting, manifest or model folder) and {@link org.fsqspark.error.BadDataException} (a damaged
 * table, an unreadable input) end a command with exit code 2 and one line; any other exception is an internal
 * error (a bug or a failing machine), exit code 1 with the stack trace under {@code FSQ_DEBUG=1}. Per-record data
 * problems become reject rows instead (their stage is {@link org.fsqspark.contract.RejectStage}).
 *
 * <p>May import: nothing of fsq-spark (every package may import this one).
 */
package org.fsqspark.error;

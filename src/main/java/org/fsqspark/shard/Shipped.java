package org.fsqspark.shard;

import java.io.Serializable;

/**
 * A value the driver ships to every executor once (a model package, a prior): works hold this handle instead
 * of the value, so the value travels once per executor rather than with every task.
 */
@FunctionalInterface
public interface Shipped<T> extends Serializable {
  /** The value, on the driver or an executor. */
  T get();
}

package org.fsqspark.shard;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One value per key per JVM, built by the first thread that asks and shared by every task thread of an
 * executor: the "model per executor JVM" of sharded jobs (encoders, decoders, priors). Loading is serialised,
 * so two tasks never load the same model twice and two large models do not load at the same time.
 */
public final class JvmSingletons {
  private static final Map<String, Object> VALUES = new ConcurrentHashMap<>();

  private JvmSingletons() {}

  /** The value under {@code key}, made by {@code loader} if no thread of this JVM has made it yet. */
  public static <T> T get(String key, Class<T> type, Supplier<? extends T> loader) {
    Object value = VALUES.get(key);
    if (value == null) {
      synchronized (JvmSingletons.class) {
        value = VALUES.get(key);
        if (value == null) {
          value = loader.get();
          if (value == null) {
            throw new IllegalStateException("The loader of " + key + " returned null");
          }
          VALUES.put(key, value);
        }
      }
    }
    return type.cast(value);
  }
}

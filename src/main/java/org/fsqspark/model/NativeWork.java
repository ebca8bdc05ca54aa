package org.fsqspark.model;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Sections of libtorch work that the JVM's exit must not cut through. On SIGTERM (or System.exit) the JVM runs
 * its shutdown hooks and then the C library's exit(), which runs libtorch's static destructors while a thread
 * that is inside libtorch keeps running there (the JVM stops only threads in Java code). A training step caught
 * in backward then dies with SIGSEGV in at::accelerator::getAccelerator or torch::autograd::deleteNode: the
 * codebook sweep's two crashes, both with the JVM "shutting down" under a SIGTERM handler.
 *
 * <p>{@link #JVM}'s shutdown hook waits for the sections in progress to end and lets no new one start: the
 * threads that would enter one wait in Java, where exit() cannot hurt them. Sections may run on several threads
 * at once and nest on one thread. Code that calls {@code System.exit} inside a section delays the exit by the
 * hook's bound, {@link #EXIT_WAIT_SECONDS}.
 */
public final class NativeWork {
  /** The longest the JVM's exit waits for sections in progress, in seconds; a step takes far less. */
  public static final long EXIT_WAIT_SECONDS = 120;
  /** The JVM's sections, closed by a shutdown hook registered on first use. */
  public static final NativeWork JVM = new NativeWork();

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean hooked;

  /** Sections of their own, for tests; the code that runs libtorch uses {@link #JVM}. */
  NativeWork() {}

  /** One thread's stay in a section; closing it leaves. */
  public interface Section extends AutoCloseable {
    @Override
    void close();
  }

  /** Enters a section; blocks for good once the JVM is exiting. */
  public Section enter() {
    if (this == JVM && !hooked) {
      registerHook();
    }
    Lock read = lock.readLock();
    read.lock();
    return read::unlock;
  }

  /**
   * Waits up to {@code timeout} for the sections in progress to end and closes this for good: no section starts
   * after it. Returns whether every section ended in time.
   */
  public boolean closeAndWait(long timeout, TimeUnit unit) {
    try {
      return lock.writeLock().tryLock(timeout, unit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private synchronized void registerHook() {
    if (hooked) {
      return;
    }
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAndWait(EXIT_WAIT_SECONDS, TimeUnit.SECONDS),
          "fsq-native-work-exit"));
    } catch (IllegalStateException e) {
      // The JVM is already exiting: nothing can wait for this section any more.
    }
    hooked = true;
  }
}

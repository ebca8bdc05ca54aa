package org.fsqspark.cli;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.lang.reflect.Method;

/**
 * Ends the embedded launcher's JVM without the C library's exit handlers. Once libtorch is loaded, {@code exit()}
 * runs its C++ static destructors (the operator registry, built by static initialisers as the library opens):
 * measured here, a C program that opens libtorch_cpu.so ends 108-113 ms after calling {@code exit()} and
 * 12-13 ms after {@code _exit()}, and a JVM that started the engine 147-180 ms after {@code System.exit}
 * against 28-34 ms. The JVM's exit runs the application's shutdown hooks (Spark's and Hadoop's clean-up,
 * log4j's, ours) and then deletes the files marked to delete on exit, in the first three of
 * {@code java.lang.Shutdown}'s ten slots; a hook in the last slot then flushes the C library's streams and
 * calls {@code _exit} with the status, so nothing Java runs at exit is skipped.
 *
 * <p>What the JVM itself does after the hooks is skipped: a class-data archive recorded at exit and a flight
 * recording dumped at exit, so {@code jobs/fsq} asks for this ({@code -Dfsq.fastExit=true}) only when the run
 * records neither. If the slot cannot be taken (another JDK, no {@code --add-opens java.base/java.lang}), the
 * JVM exits as usual.
 */
final class ProcessExit {
  static final String PROPERTY = "fsq.fastExit";
  /** {@code java.lang.Shutdown} runs slots 0 to 9 in order: the console, application hooks, delete-on-exit. */
  private static final int LAST_SLOT = 9;

  private static volatile int status;

  private ProcessExit() {}

  /** {@link System#exit}, ending with {@code _exit} after the shutdown hooks when {@value #PROPERTY} is true. */
  static void exit(int code) {
    status = code;
    if (Boolean.getBoolean(PROPERTY)) {
      takeLastSlot();
    }
    System.exit(code);
  }

  private static void takeLastSlot() {
    try {
      // Resolved now: JNA's first use marks a file to delete on exit, which the JVM refuses once it is exiting.
      NativeLibrary c = NativeLibrary.getInstance("c");
      Function flush = c.getFunction("fflush");
      Function end = c.getFunction("_exit");
      Method add = Class.forName("java.lang.Shutdown").getDeclaredMethod("add", int.class, boolean.class,
          Runnable.class);
      add.setAccessible(true);
      add.invoke(null, LAST_SLOT, false, (Runnable) () -> endNow(flush, end));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // No C library through JNA, the slot is taken, the JVM is already exiting, or java.lang is closed to us:
      // exit as usual.
    }
  }

  private static void endNow(Function flush, Function end) {
    System.out.flush();
    System.err.flush();
    try {
      flush.invokeInt(new Object[] {null});
      end.invokeVoid(new Object[] {status});
    } catch (RuntimeException | LinkageError e) {
      // The JVM's own exit follows.
    }
  }
}

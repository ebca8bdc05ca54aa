package org.fsqspark.model;

/**
 * Loads libtorch's native libraries on a background thread as a command starts, before its options are parsed
 * and its logging is up. Opening libtorch_cpu.so (about 450 MB, its operator registry built by static
 * initializers) takes 0.4-0.6 s of one core here, and a tokenize command needs it on the driver whatever its
 * master: the driver checks the model before any task runs. Started first, it overlaps the command-line parsing,
 * the logging start and the Hadoop start that used to run before it.
 *
 * <p>Only the libraries load here; the engine itself starts later, after the command has set its thread limits
 * ({@link JvmModelCache#limitEngineThreads}). A failure is left to the engine's own start, which reports it in
 * its words.
 */
public final class EnginePreload {
  private EnginePreload() {}

  /** Starts the load on a daemon thread and returns at once; the future tells whether the libraries loaded. */
  public static java.util.concurrent.CompletableFuture<Boolean> startInBackground() {
    java.util.concurrent.CompletableFuture<Boolean> loaded = new java.util.concurrent.CompletableFuture<>();
    Thread thread = new Thread(() -> loaded.complete(load()), "fsq-engine-preload");
    thread.setDaemon(true);
    thread.start();
    return loaded;
  }

  private static boolean load() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    // An exit while the libraries' static initializers run would run their destructors beside them.
    try (NativeWork.Section section = NativeWork.JVM.enter()) {
      ai.djl.pytorch.jni.LibUtils.loadLibrary();
      return true;
    } catch (RuntimeException | LinkageError e) {
      // The engine's start loads them again and fails there with the message the user needs.
      return false;
    }
  }
}

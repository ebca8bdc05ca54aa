package org.fsqspark.model;

/**
 * Loads libtorch's native libraries ahead of the engine, on a thread of the command's start
 * ({@code cli.Main}). Opening libtorch_cpu.so (446 MB, 331,473 relocations, its operator registry built by static
 * initializers) takes 0.4-0.6 s of one core here, and a tokenize command needs it on the driver whatever its
 * master: the driver checks the model before any task runs. Loaded early, it overlaps the Hadoop and Spark starts
 * instead of following them.
 *
 * <p>Only the libraries load here; the engine itself starts later, after the command has set its thread limits
 * ({@link JvmModelCache#limitEngineThreads}). DJL's loader logs, so logging must be up first. A failure is left
 * to the engine's own start, which reports it in its words.
 */
public final class EnginePreload {
  private EnginePreload() {}

  /** Loads the libraries on this thread; whether they loaded. */
  public static boolean load() {
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

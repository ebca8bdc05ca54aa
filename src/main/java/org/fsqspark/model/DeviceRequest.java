package org.fsqspark.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.Serializable;
import java.util.Locale;
import org.fsqspark.error.BadInputException;

/**
 * Which device the encoder should run on: {@code cpu}, {@code gpu} (the GPU Spark assigned to the task, or
 * GPU 0 in local mode) or {@code gpu:N}. Resolving a GPU request on a machine whose libtorch has no CUDA
 * fails with instructions, unless CPU fallback was allowed explicitly.
 */
public record DeviceRequest(String kind, int ordinal, boolean allowCpuFallback) implements Serializable {
  public DeviceRequest {
    if (!"cpu".equals(kind) && !"gpu".equals(kind) && !"auto".equals(kind)) {
      throw new BadInputException("Unknown device '" + kind + "': expected cpu, gpu, gpu:N or auto");
    }
  }

  /** Parses {@code cpu}, {@code gpu}, {@code gpu:1} or {@code auto} (GPU when one is assigned, else CPU). */
  public static DeviceRequest parse(String text, boolean allowCpuFallback) {
    String value = text == null ? "auto" : text.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("gpu:") || value.startsWith("cuda:")) {
      String number = value.substring(value.indexOf(':') + 1);
      try {
        return new DeviceRequest("gpu", Integer.parseInt(number), allowCpuFallback);
      } catch (NumberFormatException e) {
        throw new BadInputException("Cannot parse device '" + text + "': expected gpu:N with a number N");
      }
    }
    return new DeviceRequest(value.equals("cuda") ? "gpu" : value, -1, allowCpuFallback);
  }

  /**
   * The device to use, given the GPU address Spark assigned to this task (null when none was).
   * An assigned address wins over a configured ordinal, since that is the GPU Spark reserved for the task.
   */
  public Device resolve(String assignedGpuAddress) {
    if ("cpu".equals(kind) || ("auto".equals(kind) && assignedGpuAddress == null)) {
      return Device.cpu();
    }
    int gpu = assignedGpuAddress != null ? parseAddress(assignedGpuAddress) : Math.max(0, ordinal);
    int available = Engine.getEngine("PyTorch").getGpuCount();
    if (gpu < available) {
      return Device.gpu(gpu);
    }
    if (allowCpuFallback) {
      return Device.cpu();
    }
    throw new IllegalStateException("GPU " + gpu + " was requested but the PyTorch engine sees " + available
        + " GPU(s): this libtorch has no CUDA support or the GPU is not visible. Provide a CUDA build of libtorch"
        + " (set PYTORCH_LIBRARY_PATH to its lib folder, see README 'GPUs'), or pass --device cpu,"
        + " or --allow-cpu-fallback to run on CPU anyway");
  }

  private static int parseAddress(String address) {
    try {
      return Integer.parseInt(address.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("Spark assigned GPU address '" + address + "', which is not a CUDA ordinal;"
          + " make the discovery script print ordinals such as \"0\", \"1\"", e);
    }
  }
}

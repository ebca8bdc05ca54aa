package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DeviceRequestTest {
  @Test
  void cpuAndAutoWithoutAnAssignedGpuStayOnCpu() {
    assertThat(DeviceRequest.parse("cpu", false).resolve(null)).isEqualTo(Device.cpu());
    assertThat(DeviceRequest.parse("auto", false).resolve(null)).isEqualTo(Device.cpu());
    assertThat(DeviceRequest.parse(null, false).resolve(null)).isEqualTo(Device.cpu());
  }

  @Test
  void gpuRequestWithoutCudaFailsClearlyUnlessFallbackIsAllowed() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0,
        "this machine has a CUDA libtorch");
    assertThatThrownBy(() -> DeviceRequest.parse("gpu", false).resolve(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("GPU 0 was requested").hasMessageContaining("PYTORCH_LIBRARY_PATH")
        .hasMessageContaining("--allow-cpu-fallback");
    assertThatThrownBy(() -> DeviceRequest.parse("auto", false).resolve("1"))
        .hasMessageContaining("GPU 1 was requested");
    assertThat(DeviceRequest.parse("gpu:0", true).resolve(null)).isEqualTo(Device.cpu());
  }

  @Test
  void badSpellingsAreRejected() {
    assertThatThrownBy(() -> DeviceRequest.parse("tpu", false)).hasMessageContaining("Unknown device 'tpu'");
    assertThatThrownBy(() -> DeviceRequest.parse("gpu:x", false)).hasMessageContaining("gpu:N");
    assertThatThrownBy(() -> DeviceRequest.parse("gpu", false).resolve("GPU-1234"))
        .hasMessageContaining("not a CUDA ordinal");
  }
}

package org.fsqspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fsqspark.contract.ResizePolicy;
import org.junit.jupiter.api.Test;

/** Header estimates of decode memory, and admission against a shared byte budget. */
class DecodeBudgetTest {
  private static final Path FIXTURES = Path.of("src/test/resources/images");
  /** The conversion scratch of a small image: two int arrays of all its pixels. */
  private static final long SCRATCH_PER_PIXEL = 8;

  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void estimatesCountTheRasterAsDecodedAndTheFloatPlanes() throws Exception {
    // bytes per pixel: the raster as the reader allocates it, plus 4 per float plane, plus the scratch.
    assertEstimate(TruncationCheckTest.encode(new BufferedImage(100, 50, BufferedImage.TYPE_BYTE_GRAY), "png"),
        100, 50, 1, 1);
    ByteArrayOutputStream rgba16 = new ByteArrayOutputStream();
    ImageDecoderTestSupport.writeRgba16Png(rgba16, 120, 80, 0);
    assertEstimate(rgba16.toByteArray(), 120, 80, 8, 3);
    assertEstimate(Files.readAllBytes(FIXTURES.resolve("gray16-ramp.png")), 16, 8, 2, 1);
    assertEstimate(Files.readAllBytes(FIXTURES.resolve("palette-red-green.png")), 10, 10, 1, 3);
    assertEstimate(TruncationCheckTest.encode(TruncationCheckTest.photoLike(64, 48), "jpg"), 64, 48, 3, 3);
    // A CMYK JPEG is decoded to a 4-band raster first and converted to a 3-band one.
    assertEstimate(Files.readAllBytes(FIXTURES.resolve("cmyk-red.jpg")), 40, 30, 3 + 4, 3);
  }

  @Test
  void largeImagesCountTheirFullSizeFromTheHeaderAlone() throws Exception {
    // 8000 x 8000 16-bit RGBA, the size of the images that used to exhaust a 2 GB driver: about 1.3 GB. The
    // file holds nothing but its header, so only a decoder that accepts truncated files opens it.
    byte[] header = ImageDecoderTestSupport.pngHeaderOnly(8000, 8000, 16, 6);
    try (PendingImage image = decoder.acceptingTruncated().open(header, "big.png")) {
      assertThat(image.estimate()).isEqualTo(new DecodeEstimate(8000, 8000, 8, 3));
      assertThat(image.estimate().bytes()).isEqualTo(64_000_000L * (8 + 12) + 8L * 65536);
    }
    Preprocessor grayModel = new Preprocessor(1, 28, 28, ResizePolicy.CENTER_CROP, 0, 1);
    assertThat(grayModel.workingBytes(8000, 8000, 3)).as("a gray copy, one resampled buffer and one converted row")
        .isEqualTo(64_000_000L * 4 + 8000L * 28 * 4 + 8000L * 4);
    assertThat(grayModel.workingBytes(8000, 8000, 1)).isEqualTo(8000L * 28 * 4 + 8000L * 4);
  }

  @Test
  void requestsWaitUntilTheirBytesAreFree() throws Exception {
    DecodeBudget budget = new DecodeBudget(100);
    DecodeBudget.Permit first = budget.admit(60);
    assertThat(budget.available()).isEqualTo(40);
    CompletableFuture<DecodeBudget.Permit> second = admitLater(budget, 60);
    assertWaiting(second);
    first.close();
    assertThat(second.get(10, TimeUnit.SECONDS).bytes()).isEqualTo(60);
    assertThat(budget.available()).isEqualTo(40);
    second.get().close();
    second.get().close();
    assertThat(budget.available()).as("closing twice releases once").isEqualTo(100);
  }

  @Test
  void aRequestLargerThanTheBudgetWaitsForAllOfItAndRunsAlone() throws Exception {
    DecodeBudget budget = new DecodeBudget(100);
    DecodeBudget.Permit small = budget.admit(10);
    CompletableFuture<DecodeBudget.Permit> huge = admitLater(budget, 1_000);
    assertWaiting(huge);
    small.close();
    DecodeBudget.Permit alone = huge.get(10, TimeUnit.SECONDS);
    assertThat(alone.bytes()).isEqualTo(100);
    assertThat(budget.available()).isZero();
    CompletableFuture<DecodeBudget.Permit> next = admitLater(budget, 1);
    assertWaiting(next);
    alone.close();
    next.get(10, TimeUnit.SECONDS).close();
    assertThat(budget.available()).isEqualTo(100);
  }

  @Test
  void requestsAreServedInArrivalOrderSoLargeOnesAreNotStarved() throws Exception {
    DecodeBudget budget = new DecodeBudget(100);
    DecodeBudget.Permit held = budget.admit(90);
    CompletableFuture<DecodeBudget.Permit> large = admitLater(budget, 50);
    assertWaiting(large);
    CompletableFuture<DecodeBudget.Permit> small = admitLater(budget, 5);
    assertWaiting(small); // 10 bytes are free, but the large request came first
    held.close();
    large.get(10, TimeUnit.SECONDS);
    small.get(10, TimeUnit.SECONDS);
    assertThat(budget.available()).isEqualTo(45);
  }

  @Test
  void anInterruptedRequestLeavesTheQueue() throws Exception {
    DecodeBudget budget = new DecodeBudget(100);
    DecodeBudget.Permit held = budget.admit(100);
    Thread waiter = new Thread(() -> {
      try {
        budget.admit(50);
      } catch (InterruptedException e) {
        // expected
      }
    });
    waiter.start();
    Thread.sleep(100);
    waiter.interrupt();
    waiter.join(10_000);
    assertThat(waiter.isAlive()).isFalse();
    held.close();
    budget.admit(100).close();
  }

  @Test
  void badRequestsAreRefused() {
    assertThatThrownBy(() -> new DecodeBudget(0)).hasMessageContaining("must be positive, got 0");
    assertThatThrownBy(() -> new DecodeBudget(10).admit(-1)).hasMessageContaining("positive number of bytes, got -1");
    assertThat(DecodeBudget.shared().capacity()).isEqualTo((long) (Runtime.getRuntime().maxMemory() * 0.5));
  }

  private void assertEstimate(byte[] bytes, int width, int height, int rasterBytesPerPixel, int planes)
      throws Exception {
    try (PendingImage image = decoder.open(bytes, "estimate")) {
      DecodeEstimate estimate = image.estimate();
      assertThat(estimate).isEqualTo(new DecodeEstimate(width, height, rasterBytesPerPixel, planes));
      long pixels = (long) width * height;
      assertThat(estimate.bytes()).isEqualTo(pixels * (rasterBytesPerPixel + 4L * planes) + pixels * SCRATCH_PER_PIXEL);
      assertThat(image.decode().channels()).isEqualTo(planes);
    }
  }

  /** Asks on a thread of its own (the common pool may have a single thread, which one waiter would block). */
  private static CompletableFuture<DecodeBudget.Permit> admitLater(DecodeBudget budget, long bytes) {
    CompletableFuture<DecodeBudget.Permit> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        result.complete(budget.admit(bytes));
      } catch (InterruptedException | RuntimeException e) {
        result.completeExceptionally(e);
      }
    }, "admit-" + bytes);
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  private static void assertWaiting(CompletableFuture<DecodeBudget.Permit> request)
      throws InterruptedException, ExecutionException {
    try {
      request.get(200, TimeUnit.MILLISECONDS);
      throw new AssertionError("the request was admitted while its bytes were held");
    } catch (TimeoutException expected) {
      // still waiting
    }
  }
}

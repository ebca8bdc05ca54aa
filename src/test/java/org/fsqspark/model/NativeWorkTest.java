package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The rule the JVM's exit relies on: closing waits for the sections in progress and admits no new one. */
class NativeWorkTest {
  @Test
  void closingWaitsForTheSectionsInProgressOnEveryThread() throws Exception {
    NativeWork work = new NativeWork();
    CountDownLatch inside = new CountDownLatch(2);
    CountDownLatch leave = new CountDownLatch(1);
    for (int t = 0; t < 2; t++) {
      Thread worker = new Thread(() -> {
        try (NativeWork.Section section = work.enter()) {
          inside.countDown();
          leave.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      worker.setDaemon(true);
      worker.start();
    }
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(work.closeAndWait(200, TimeUnit.MILLISECONDS)).as("closed while two sections run").isFalse();
    leave.countDown();
    assertThat(work.closeAndWait(10, TimeUnit.SECONDS)).as("closed once both left").isTrue();
  }

  @Test
  void noSectionStartsAfterClosingButOneThreadMayNest() throws Exception {
    NativeWork work = new NativeWork();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch closing = new CountDownLatch(1);
    AtomicBoolean nested = new AtomicBoolean();
    Thread holder = new Thread(() -> {
      try (NativeWork.Section outer = work.enter()) {
        entered.countDown();
        closing.await();
        Thread.sleep(100); // the closer now waits for this section
        try (NativeWork.Section inner = work.enter()) {
          nested.set(true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    holder.setDaemon(true);
    holder.start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    closing.countDown();
    assertThat(work.closeAndWait(10, TimeUnit.SECONDS)).isTrue();
    assertThat(nested).as("a section nested in one in progress does not deadlock the exit").isTrue();

    AtomicBoolean late = new AtomicBoolean();
    Thread latecomer = new Thread(() -> {
      try (NativeWork.Section section = work.enter()) {
        late.set(true);
      }
    });
    latecomer.setDaemon(true);
    latecomer.start();
    latecomer.join(300);
    assertThat(latecomer.isAlive()).as("a section started after closing waits (for good)").isTrue();
    assertThat(late).isFalse();
  }
}

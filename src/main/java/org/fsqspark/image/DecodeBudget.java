package org.fsqspark.image;

import java.util.ArrayDeque;

/**
 * Heap bytes that decodes running at the same time may hold together. A decode asks for its
 * {@link DecodeEstimate} (plus preprocessing's share) before any pixel buffer exists and waits until that
 * much is free, so concurrent large images queue instead of exhausting the heap; small ones pass at the cost
 * of an uncontended lock.
 *
 * <p>Requests are served in arrival order, so a large image is not starved by a stream of small ones. A
 * request larger than the whole budget waits until nothing else holds any of it and then takes all of it:
 * that image is decoded alone. Permits are released when closed; a permit must not be held while waiting
 * for another, or two decodes could wait for each other.
 */
public final class DecodeBudget {
  /** Share of the JVM's maximum heap that decodes may hold together; the rest is Spark's, the writers' and the batches'. */
  static final double HEAP_SHARE = 0.5;

  private static final class Shared {
    static final DecodeBudget INSTANCE = new DecodeBudget((long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));
  }

  private final long capacity;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private long available;

  public DecodeBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("Decode budget must be positive, got " + capacity + " bytes");
    }
    this.capacity = capacity;
    this.available = capacity;
  }

  /** The budget every decode thread of this JVM shares: half of its maximum heap. */
  public static DecodeBudget shared() {
    return Shared.INSTANCE;
  }

  public long capacity() {
    return capacity;
  }

  /** Bytes no permit holds right now. */
  public synchronized long available() {
    return available;
  }

  /** Waits until {@code bytes} (at most the whole budget) are free and this request is first in line. */
  public Permit admit(long bytes) throws InterruptedException {
    if (bytes <= 0) {
      throw new IllegalArgumentException("A decode must ask for a positive number of bytes, got " + bytes);
    }
    long granted = Math.min(bytes, capacity);
    Object turn = new Object();
    synchronized (this) {
      queue.addLast(turn);
      try {
        while (queue.peekFirst() != turn || available < granted) {
          wait();
        }
      } catch (InterruptedException e) {
        queue.remove(turn);
        notifyAll();
        throw e;
      }
      queue.removeFirst();
      available -= granted;
      notifyAll(); // the next in line may fit too
    }
    return new Permit(granted);
  }

  private synchronized void release(long bytes) {
    available += bytes;
    notifyAll();
  }

  /** Bytes held for one decode; closing gives them back (once). */
  public final class Permit implements AutoCloseable {
    private final long bytes;
    private boolean released;

    private Permit(long bytes) {
      this.bytes = bytes;
    }

    /** What this permit holds: the request, or the whole budget when the request was larger. */
    public long bytes() {
      return bytes;
    }

    @Override
    public void close() {
      synchronized (DecodeBudget.this) {
        if (released) {
          return;
        }
        released = true;
      }
      release(bytes);
    }
  }
}

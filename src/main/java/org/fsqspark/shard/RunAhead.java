package org.fsqspark.shard;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Maps a source iterator on a small thread pool while the caller consumes results in source order, keeping
 * at most {@code window} items in flight: decoding runs ahead of inference, memory stays bounded, and the
 * output order (and therefore the written file) does not depend on thread timing. With no threads the
 * caller maps each item itself when it asks for it.
 */
public final class RunAhead<I, O> implements Iterator<O>, AutoCloseable {
  private final Iterator<I> source;
  private final Function<I, O> work;
  private final ExecutorService pool;
  private final ArrayDeque<Future<O>> inFlight = new ArrayDeque<>();
  private final int window;

  public RunAhead(Iterator<I> source, Function<I, O> work, int threads, int window, String name) {
    if (threads < 0 || window <= 0) {
      throw new IllegalArgumentException("threads must be >= 0 and window positive, got " + threads + " and " + window);
    }
    this.source = source;
    this.work = work;
    this.window = window;
    this.pool = threads == 0 ? null : Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public boolean hasNext() {
    if (pool == null) {
      return source.hasNext();
    }
    fill();
    return !inFlight.isEmpty();
  }

  @Override
  public O next() {
    if (pool == null) {
      return work.apply(source.next());
    }
    fill();
    Future<O> head = inFlight.poll();
    if (head == null) {
      throw new NoSuchElementException();
    }
    try {
      O result = head.get();
      fill();
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the work running ahead", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }
  }

  /** Reading the source stays on the calling thread: tar and Parquet streams are sequential. */
  private void fill() {
    while (inFlight.size() < window && source.hasNext()) {
      I item = source.next();
      inFlight.add(pool.submit(() -> work.apply(item)));
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}

package org.fsqspark.pipeline;

import java.util.Iterator;
import java.util.function.Function;

/** An iterator seen through a function, one element at a time (a task's rows are never all in memory). */
public final class Mapped {
  private Mapped() {}

  public static <A, B> Iterator<B> of(Iterator<A> rows, Function<A, B> map) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public B next() {
        return map.apply(rows.next());
      }
    };
  }
}

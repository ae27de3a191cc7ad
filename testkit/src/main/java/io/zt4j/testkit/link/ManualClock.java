package io.zt4j.testkit.link;

/**
 * Virtual monotonic time in nanoseconds for deterministic tests: it moves only when a test (or
 * an {@link EventLoop}) moves it. Not thread-safe; one test thread drives it.
 */
public final class ManualClock {
  private long nanos;

  public ManualClock() {
    this(0);
  }

  public ManualClock(long startNanos) {
    this.nanos = startNanos;
  }

  public long nanos() {
    return nanos;
  }

  public long millis() {
    return nanos / 1_000_000L;
  }

  public void advance(long deltaNanos) {
    if (deltaNanos < 0) {
      throw new IllegalArgumentException("time only moves forward");
    }
    nanos += deltaNanos;
  }

  public void advanceMillis(long ms) {
    advance(ms * 1_000_000L);
  }

  /** Moves to {@code t}; earlier times are ignored (time never goes back). */
  public void advanceTo(long t) {
    if (t > nanos) {
      nanos = t;
    }
  }
}

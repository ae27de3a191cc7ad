package io.zt4j.runtime.driver;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * What the {@link StackDriver} serves: the runtime side of one stack socket. The loop calls
 * {@link #service(long)} when the socket's readiness changed or when an application thread
 * {@link #schedule() scheduled} it (new tx bytes, rx room freed, close…).
 */
abstract class DriverSocket {
  final StackDriver driver;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile Runnable readinessListener;

  DriverSocket(StackDriver driver) {
    this.driver = driver;
    driver.register(this);
  }

  /** Moves data and state between the stack socket and the application side. Loop thread only. */
  abstract void service(long nowNanos);

  /**
   * The driver is shutting down (its node stops): close the application side so blocked and
   * later calls fail with "Socket closed", and let {@link #service} release the stack socket.
   * Loop thread only.
   */
  abstract void closeForShutdown();

  /**
   * Sets the hook run after each {@link #service} and when a connection attempt fails, i.e.
   * whenever this socket's readiness may have changed (null: none). It runs under the loop's
   * core lock: on the loop thread, or on an application thread serving sockets inline while the
   * loop sleeps ({@code EventLoop.runIfIdle}). NIO selectors use it to wake up; it must be quick
   * and must not block. Any thread.
   */
  public final void readinessListener(Runnable listener) {
    readinessListener = listener;
  }

  /** Serves this socket, then tells the readiness listener. Loop thread only. */
  final void serve(long nowNanos) {
    service(nowNanos);
    readinessChanged();
  }

  /** Runs the readiness listener, if any. */
  final void readinessChanged() {
    Runnable r = readinessListener;
    if (r != null) {
      r.run();
    }
  }

  /** Forgets this socket in the driver's registry (its stack socket is gone). */
  final void forget() {
    driver.unregister(this);
  }

  /** Asks the loop to {@link #service} this socket soon (once, however often called). Any thread. */
  final void schedule() {
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      driver.enqueue(this, false);
    }
  }

  /**
   * Like {@link #schedule()}, but when the loop sleeps the calling thread serves the socket at
   * once itself, under the loop's core lock (application-thread send: a small write goes out
   * without waking the loop). For what an application is waiting on — a write to an idle
   * connection, a datagram, a close — not for bulk refills the loop does better in batches.
   * Any thread; never from code that must not run the stack (it is skipped there anyway).
   */
  final void scheduleInline() {
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      driver.enqueue(this, true);
    }
  }

  /** Called by the driver before {@link #service}: later schedules queue the socket again. */
  final void unschedule() {
    scheduled.set(false);
  }

  static void unpark(Thread t) {
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /**
   * Parks the current thread until unparked or {@code deadlineNanos} (0: no deadline).
   *
   * @return false when the deadline has passed
   */
  static boolean park(Object blocker, long deadlineNanos) {
    if (deadlineNanos == 0) {
      LockSupport.park(blocker);
      return true;
    }
    long wait = deadlineNanos - System.nanoTime();
    if (wait <= 0) {
      return false;
    }
    LockSupport.parkNanos(blocker, wait);
    return true;
  }

  /** The absolute deadline for a timeout in milliseconds (0: none), as {@link #park} takes it. */
  static long deadline(long timeoutMillis) {
    if (timeoutMillis <= 0) {
      return 0;
    }
    long d = System.nanoTime() + timeoutMillis * 1_000_000L;
    return d == 0 ? 1 : d;
  }
}

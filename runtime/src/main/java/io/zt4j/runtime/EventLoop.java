package io.zt4j.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread of a node: it owns the deterministic cores (node, stack) and everything that
 * touches them, and sleeps in a {@link Selector} until the earliest deadline its {@link Task}s
 * report, until a channel registered with {@link #selector()} is readable, or until another
 * thread {@link #wakeup() wakes} it — never on a polling interval.
 *
 * <h2>Crossing threads</h2>
 *
 * Other threads never touch a core. They either {@link #execute(Runnable)} a command (queued and
 * run on the loop, in order) or put work on a queue of their own that a task drains, followed by
 * {@link #wakeup()}. A wake-up costs a syscall only when the loop is (about to be) asleep: the
 * {@code wakeRequested} flag coalesces bursts, and the {@code sleeping} flag (a Dekker pair with
 * it) makes sure no wake-up is lost between the loop's last look at its queues and its
 * {@code select}.
 *
 * <h2>The core lock: running the data path on the calling thread</h2>
 *
 * Everything that touches the cores runs under one lock the loop owns ({@link #inLoop()} is
 * "holds it"). The loop thread holds it for a whole iteration and lets go only while it sleeps
 * in {@code select}. While it sleeps, another thread may take it with {@link #runIfIdle} and run
 * the data path itself (an application {@code write()} sends its segment, armoured, on its own
 * thread: no wake-up of the loop, no hand-off), so exactly one thread at a time touches the
 * cores. {@link #runIfIdle} never waits: when the loop is awake, busy or the lock is taken, it
 * returns false and the caller queues its work and calls {@link #wakeup()} as before. The loop
 * is never starved: once awake it clears the {@code sleeping} flag before taking the lock back,
 * after which no new inline run starts, so it waits for at most the one in progress (bounded
 * work that never blocks). An inline run ends with the iteration-end hooks and wakes the loop
 * only when its work moved the earliest deadline before the one the loop sleeps until.
 *
 * <h2>One iteration</h2>
 *
 * <ol>
 *   <li>handle the selected keys ({@link IoHandler}, e.g. the UDP transport's datagrams);
 *   <li>run queued commands;
 *   <li>run every task with the current time; each returns its next deadline;
 *   <li>run the iteration-end hooks;
 *   <li>sleep until the earliest deadline (rounded up to the selector's millisecond), a
 *       readable channel or a wake-up.
 * </ol>
 */
public final class EventLoop implements AutoCloseable {
  /** Work the loop runs every iteration (the node core, a stack driver, a link). Loop thread only. */
  @FunctionalInterface
  public interface Task {
    /**
     * Does what is due at {@code nowNanos} (monotonic) and returns the next time it needs to run
     * again without outside events, or {@link Long#MAX_VALUE}.
     */
    long run(long nowNanos);
  }

  /** Receives the keys the selector reported ready. Loop thread only. */
  @FunctionalInterface
  public interface IoHandler {
    void ready(Set<SelectionKey> keys, long nowNanos);
  }

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final List<Task> tasks = new ArrayList<>();
  private final AtomicBoolean sleeping = new AtomicBoolean();
  private final ReentrantLock core = new ReentrantLock();
  private volatile long sleepUntil = Long.MAX_VALUE; // the deadline the sleeping loop wakes at
  private volatile boolean inlineEnabled = !Boolean.getBoolean("zt4j.noInlineSend");
  private long inlineRuns; // under the core lock
  private volatile boolean wakeRequested;
  private volatile boolean running = true;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Runnable> stopHooks = new ArrayList<>();
  private final List<Runnable> iterationEndHooks = new ArrayList<>();
  private IoHandler io;
  private volatile Throwable failure;
  private long iterations;

  /** Creates the loop and starts its (platform, daemon) thread named {@code name}. */
  public EventLoop(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector: " + e.getMessage(), e);
    }
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** The selector channels register with (register from the loop thread, e.g. in a command). */
  public Selector selector() {
    return selector;
  }

  /**
   * True when the calling thread owns the cores now: the loop thread during an iteration, or a
   * thread inside {@link #runIfIdle}. Code that may touch a core directly when this is true.
   */
  public boolean inLoop() {
    return core.isHeldByCurrentThread();
  }

  /**
   * Runs {@code work} on the calling thread, under the core lock, if the loop is asleep and the
   * lock free; otherwise returns false at once (never waits) and the caller queues its work and
   * calls {@link #wakeup()}. {@code work} gets the current time and returns its next deadline
   * (as a {@link Task}); it must be bounded and never block. The iteration-end hooks run after
   * it, and the loop is woken only if that deadline is earlier than the one it sleeps until.
   * Never runs inline on a thread that already holds the lock (no re-entrant core calls).
   */
  public boolean runIfIdle(Task work) {
    if (!inlineEnabled || !sleeping.get() || !running || core.isHeldByCurrentThread() || !core.tryLock()) {
      return false;
    }
    long deadline;
    try {
      if (!running) {
        return false;
      }
      deadline = work.run(System.nanoTime());
      for (int i = 0; i < iterationEndHooks.size(); i++) {
        iterationEndHooks.get(i).run();
      }
      inlineRuns++;
    } finally {
      core.unlock();
    }
    if (deadline < sleepUntil) {
      wakeup();
    }
    return true;
  }

  /**
   * Turns inline runs ({@link #runIfIdle}) on or off (on by default; off for the whole JVM with
   * {@code -Dzt4j.noInlineSend=true}, to compare). Any thread.
   */
  public void inlineEnabled(boolean on) {
    inlineEnabled = on;
  }

  /** Work run by other threads through {@link #runIfIdle} so far (diagnostics; read under {@link #call}). */
  public long inlineRuns() {
    return inlineRuns;
  }

  /** Sets the handler for selected keys. Loop thread only (use {@link #execute}). */
  public void ioHandler(IoHandler handler) {
    this.io = handler;
  }

  /** Adds a task run every iteration. Loop thread only (use {@link #execute}). */
  public void addTask(Task task) {
    tasks.add(task);
  }

  public void removeTask(Task task) {
    tasks.remove(task);
  }

  /**
   * Runs {@code hook} at the end of every iteration, after the tasks and before the loop sleeps
   * (e.g. to wake application threads once per batch of datagrams instead of once per datagram).
   * Loop thread only (use {@link #execute}).
   */
  public void onIterationEnd(Runnable hook) {
    iterationEndHooks.add(hook);
  }

  /**
   * Runs {@code hook} on the loop thread when the loop ends (closed or failed), before queued
   * commands are drained and the selector is closed. Loop thread only (use {@link #execute}).
   */
  public void onStop(Runnable hook) {
    stopHooks.add(hook);
  }

  /** Runs {@code command} on the loop thread (after what is queued before it). Any thread. */
  public void execute(Runnable command) {
    if (!running) {
      throw new IllegalStateException("event loop " + thread.getName() + " is stopped");
    }
    commands.add(command);
    wakeup();
  }

  /**
   * Runs {@code call} on the loop and waits for its result; runs it directly when already on the
   * loop. Exceptions thrown by {@code call} are rethrown (unchecked ones as they are).
   */
  public <T> T call(Callable<T> call) throws Exception {
    if (inLoop()) {
      return call.call();
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    Runnable command = () -> {
      try {
        f.complete(call.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    };
    execute(command);
    if (stopped.getCount() == 0 && commands.remove(command)) {
      // queued after the loop's last drain: it will never run
      f.completeExceptionally(new IllegalStateException("event loop " + thread.getName() + " is stopped"));
    }
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof Exception ex) {
        throw ex;
      }
      throw (Error) c;
    }
  }

  /**
   * Makes the loop run an iteration soon: free when it is already awake or already asked, one
   * selector wake-up otherwise. Any thread.
   */
  public void wakeup() {
    if (wakeRequested) {
      return;
    }
    wakeRequested = true;
    if (sleeping.get() && sleeping.compareAndSet(true, false)) {
      selector.wakeup();
    }
  }

  /** Iterations run so far (diagnostics). */
  public long iterations() {
    return iterations;
  }

  /** The exception that ended the loop, or null. */
  public Throwable failure() {
    return failure;
  }

  private void run() {
    core.lock();
    try {
      while (running) {
        wakeRequested = false;
        long now = System.nanoTime();
        Set<SelectionKey> keys = selector.selectedKeys();
        if (!keys.isEmpty()) {
          if (io != null) {
            io.ready(keys, now);
          }
          keys.clear();
        }
        for (Runnable c; (c = commands.poll()) != null; ) {
          c.run();
        }
        // Commands read the clock themselves; tasks must not see time earlier than they did,
        // or the cores would see time run backwards.
        now = System.nanoTime();
        long deadline = Long.MAX_VALUE;
        for (int i = 0; i < tasks.size(); i++) {
          deadline = Math.min(deadline, tasks.get(i).run(now));
        }
        for (int i = 0; i < iterationEndHooks.size(); i++) {
          iterationEndHooks.get(i).run();
        }
        iterations++;
        sleepUntil = deadline;
        sleeping.set(true);
        if (wakeRequested || !commands.isEmpty() || !running) {
          sleeping.set(false);
          selector.selectNow();
          continue;
        }
        long wait = deadline == Long.MAX_VALUE ? 0 : deadline - System.nanoTime();
        if (deadline != Long.MAX_VALUE && wait <= 0) {
          sleeping.set(false);
          selector.selectNow();
          continue;
        }
        // Asleep: other threads may run the data path inline (runIfIdle) until we are woken.
        core.unlock();
        try {
          // select() takes milliseconds: round up so a timer never fires early (and never spins)
          selector.select(wait == 0 ? 0 : Math.max(1, (wait + 999_999) / 1_000_000));
        } finally {
          // awake: no new inline run starts, so we wait for at most the one in progress
          sleeping.set(false);
          core.lock();
        }
        if (LatencyProbe.ENABLED) {
          LatencyProbe.loopAwake();
        }
      }
    } catch (Throwable t) {
      failure = t;
      running = false;
    } finally {
      running = false;
      for (Runnable h : stopHooks) {
        try {
          h.run();
        } catch (Throwable t) {
          if (failure == null) {
            failure = t;
          }
        }
      }
      for (Runnable c; (c = commands.poll()) != null; ) {
        try {
          c.run();
        } catch (Throwable ignored) {
          // shutting down: a failing last command must not hide the stop
        }
      }
      try {
        selector.close();
      } catch (IOException ignored) {
        // nothing to do while stopping
      }
      stopped.countDown();
      // commands queued between the drain above and the count-down (callers check the latch
      // after queueing and take back what is still queued once it is down)
      for (Runnable c; (c = commands.poll()) != null; ) {
        try {
          c.run();
        } catch (Throwable ignored) {
          // stopped
        }
      }
      core.unlock();
    }
  }

  /** Waits until the loop has ended (after {@link #close} or a failure). */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Stops the loop after the current iteration and waits for its thread to end. */
  @Override
  public void close() {
    running = false;
    selector.wakeup();
    if (!inLoop()) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public boolean isRunning() {
    return running;
  }
}

package io.zt4j.stack.kernel;

import io.zt4j.stack.Stack;
import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.testkit.kernel.KernelTap;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * Drives a {@link Stack} in real time on its own thread, the way the runtime's loop will: frames
 * from a {@link KernelTap} and test commands arrive through one queue, {@code poll} runs at
 * {@code pollAt()}, and the stack is only ever touched on this thread. Tests talk to the stack
 * with {@link #call} (run a function on the stack thread and wait for its result) and
 * {@link #awaitTrue}. Reusable by any test that needs a stack next to the Linux kernel.
 */
public final class StackThread implements AutoCloseable {
  /** Work for the stack thread, given the current time. */
  public interface Task {
    void run(long nowNanos);
  }

  private final Stack stack;
  private final LinkedBlockingQueue<Task> inbox = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile Throwable failure;
  /** Runs on the stack thread after each batch of work (e.g. to drain readiness queues). */
  private volatile Task afterEachRound = now -> {};

  public StackThread(Stack stack) {
    this.stack = stack;
    this.thread = new Thread(this::loop, "stack-loop");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public Stack stack() {
    return stack;
  }

  /** Adds an interface whose link is {@code tap}, and starts the tap's delivery into it. */
  public Interface attach(InterfaceConfig config, KernelTap tap) {
    Interface ifc = call(now -> stack.addInterface(config, new LinkDevice() {
      @Override
      public void transmit(byte[] buf, int off, int len) {
        tap.send(buf, off, len);
      }
    }, now));
    tap.start((f, off, len, at) -> inbox.add(now -> ifc.receiveFrame(f, off, len, now)));
    return ifc;
  }

  public void afterEachRound(Task t) {
    afterEachRound = t;
  }

  /** Queues {@code t} for the stack thread. */
  public void execute(Task t) {
    inbox.add(t);
  }

  /** Runs {@code f} on the stack thread and returns its result (10 s timeout). */
  public <T> T call(LongFunction<T> f) {
    CompletableFuture<T> result = new CompletableFuture<>();
    inbox.add(now -> {
      try {
        result.complete(f.apply(now));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("stack-thread task failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("stack thread did not answer within 10 s" + failureText());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Polls {@code condition} on the stack thread every few ms until it holds; false on timeout. */
  public boolean awaitTrue(LongFunction<Boolean> condition, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (call(condition)) {
        return true;
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return call(condition);
  }

  private String failureText() {
    return failure == null ? "" : " (stack thread died: " + failure + ")";
  }

  private void loop() {
    try {
      while (!closed) {
        long now = System.nanoTime();
        long at = stack.pollAt();
        long wait = Math.max(0, Math.min(at - now, 20_000_000L));
        Task t = at <= now ? inbox.poll() : inbox.poll(wait, TimeUnit.NANOSECONDS);
        now = System.nanoTime();
        for (int n = 0; t != null && n < 256; n++) {
          t.run(now);
          t = inbox.poll();
        }
        if (t != null) {
          t.run(now);
        }
        if (stack.pollAt() <= now) {
          stack.poll(now);
        }
        while (stack.nextReady() != null) {
          // tests look at sockets directly
        }
        afterEachRound.run(now);
      }
    } catch (InterruptedException e) {
      // closing
    } catch (Throwable e) {
      failure = e;
      throw e;
    }
  }

  /** Stops the loop; rethrows anything that killed it. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new AssertionError("stack thread failed", failure);
    }
  }
}

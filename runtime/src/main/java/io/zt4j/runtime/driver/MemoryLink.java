package io.zt4j.runtime.driver;

import io.zt4j.runtime.EventLoop;
import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.link.LinkDevice;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Ethernet cable between two {@link StackDriver}s in one process, each on its own loop: a
 * frame one stack transmits is copied onto the other side's bounded queue and that side's loop
 * is woken to feed it to its interface. For tests and benchmarks of the driver and the stack
 * without the ZeroTier node below them; frames beyond the queue bound are dropped, as a real
 * link would.
 */
public final class MemoryLink {
  /** Frames queued toward one side at most. */
  public static final int QUEUE_FRAMES = 8192;

  private final End a;
  private final End b;

  private MemoryLink(StackDriver da, StackDriver db) {
    this.a = new End(da);
    this.b = new End(db);
    a.peer = b;
    b.peer = a;
  }

  /** Connects {@code da} and {@code db} with one interface each, configured as given. */
  public static MemoryLink connect(StackDriver da, InterfaceConfig ca, StackDriver db, InterfaceConfig cb)
      throws IOException {
    MemoryLink link = new MemoryLink(da, db);
    link.a.attach(ca);
    link.b.attach(cb);
    return link;
  }

  public Interface interfaceA() {
    return a.iface;
  }

  public Interface interfaceB() {
    return b.iface;
  }

  /** Frames dropped because a side's queue was full. */
  public long drops() {
    return a.drops.get() + b.drops.get();
  }

  /**
   * Frames a stack transmitted on a thread that did not hold its loop's core lock
   * ({@link EventLoop#inLoop()} false): always 0 unless the one-owner rule of the cores is broken.
   */
  public long framesFromNonOwners() {
    return a.nonOwnerFrames.get() + b.nonOwnerFrames.get();
  }

  private static final class End implements LinkDevice, EventLoop.Task {
    final StackDriver driver;
    final ConcurrentLinkedQueue<byte[]> inbound = new ConcurrentLinkedQueue<>();
    final AtomicInteger queued = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicLong drops = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong nonOwnerFrames = new java.util.concurrent.atomic.AtomicLong();
    End peer;
    volatile Interface iface;

    End(StackDriver driver) {
      this.driver = driver;
    }

    void attach(InterfaceConfig config) throws IOException {
      iface = driver.onLoop(() -> {
        driver.loop().addTask(this);
        return driver.stack().addInterface(config, this, System.nanoTime());
      });
    }

    @Override
    public void transmit(byte[] buf, int off, int len) {
      if (!driver.loop().inLoop()) {
        nonOwnerFrames.incrementAndGet(); // a stack driven by a thread without the core lock: a bug
      }
      End p = peer;
      if (p.queued.get() >= QUEUE_FRAMES) {
        p.drops.incrementAndGet();
        return;
      }
      p.inbound.add(java.util.Arrays.copyOfRange(buf, off, off + len));
      p.queued.incrementAndGet();
      p.driver.loop().wakeup();
    }

    @Override
    public long run(long nowNanos) {
      Interface i = iface;
      if (i == null) {
        return inbound.isEmpty() ? Long.MAX_VALUE : nowNanos;
      }
      int n = 0;
      for (byte[] f; n < 512 && (f = inbound.poll()) != null; n++) {
        queued.decrementAndGet();
        i.receiveFrame(f, 0, f.length, nowNanos);
      }
      if (n > 0) {
        driver.drainReadiness(nowNanos);
      }
      return inbound.isEmpty() ? Long.MAX_VALUE : nowNanos;
    }
  }
}

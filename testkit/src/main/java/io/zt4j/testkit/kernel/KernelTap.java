package io.zt4j.testkit.kernel;

import io.zt4j.testkit.link.FrameSink;
import io.zt4j.testkit.link.Impairment;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TAP device inside a {@link NetNamespace}, relayed to the JVM by the {@code tap_relay} helper
 * over its stdin/stdout: the Linux kernel on the other side is a real peer for a user-space
 * stack. The test configures the kernel side ({@link #kernelAddress}, {@link #up}), gives the
 * stack a {@link FrameSink} for frames from the kernel ({@link #start}), and sends the stack's
 * frames with {@link #send}.
 *
 * <p>Impairment (no {@code tc netem} needed): each direction can get an {@link Impairment} —
 * seeded loss, duplication, delay, jitter, reordering, rate limit and MTU — applied by the relay
 * in real time.
 *
 * <p>Threads: frames from the kernel are delivered on the relay's reader thread (or its
 * scheduler thread when delayed), never on the caller's; {@link #send} may be called from any
 * thread. {@link #close()} ends the helper (closing its stdin) and the threads.
 */
public final class KernelTap implements AutoCloseable {
  private final NetNamespace ns;
  private final String ifname;
  private final Process relay;
  private final OutputStream toRelay;
  private final DataInputStream fromRelay;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Direction toKernel;
  private final Direction fromKernel;
  private volatile FrameSink sink;
  private volatile boolean closed;
  private Thread reader;
  private final AtomicLong framesFromKernel = new AtomicLong();
  private final AtomicLong framesToKernel = new AtomicLong();

  private KernelTap(NetNamespace ns, String ifname, Process relay, long seed) {
    this.ns = ns;
    this.ifname = ifname;
    this.relay = relay;
    this.toRelay = relay.getOutputStream();
    this.fromRelay = new DataInputStream(relay.getInputStream());
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "kernel-tap-delay-" + ifname);
      t.setDaemon(true);
      return t;
    });
    this.toKernel = new Direction(new SplittableRandom(seed));
    this.fromKernel = new Direction(new SplittableRandom(seed ^ 0x5DEECE66DL));
  }

  /**
   * Creates TAP {@code ifname} in {@code ns} (down, no addresses yet) and waits for the relay.
   *
   * @param seed for the impairment random sources
   */
  public static KernelTap open(NetNamespace ns, String ifname, long seed) {
    Process p = ns.exec(NativeHelpers.tapRelay().toString(), ifname);
    KernelTap tap = new KernelTap(ns, ifname, p, seed);
    try {
      int ready = tap.fromRelay.readUnsignedShort();
      if (ready != 0) {
        throw new IllegalStateException("unexpected first record from tap_relay: " + ready);
      }
    } catch (IOException e) {
      NetNamespace.ExecResult r = NetNamespace.collect(p, Duration.ofSeconds(2), "tap_relay");
      throw new IllegalStateException("tap_relay did not start: " + r, e);
    }
    return tap;
  }

  public String ifname() {
    return ifname;
  }

  public NetNamespace namespace() {
    return ns;
  }

  /** Sets the kernel side's MAC (e.g. "02:00:00:00:00:01") and MTU. */
  public KernelTap link(String mac, int mtu) {
    ns.runChecked("ip", "link", "set", "dev", ifname, "address", mac, "mtu", Integer.toString(mtu));
    return this;
  }

  /** Adds an address to the kernel side ({@code 10.77.0.1/24}, {@code fd77::1/64}: IPv6 without DAD). */
  public KernelTap kernelAddress(String cidr) {
    if (cidr.contains(":")) {
      ns.runChecked("ip", "-6", "addr", "add", cidr, "dev", ifname, "nodad");
    } else {
      ns.runChecked("ip", "addr", "add", cidr, "dev", ifname);
    }
    return this;
  }

  /** Brings the TAP up. */
  public KernelTap up() {
    ns.runChecked("ip", "link", "set", "dev", ifname, "up");
    return this;
  }

  /** Impairs frames the stack sends to the kernel. */
  public KernelTap impairToKernel(Impairment i) {
    toKernel.imp = i;
    return this;
  }

  /** Impairs frames the kernel sends to the stack. */
  public KernelTap impairFromKernel(Impairment i) {
    fromKernel.imp = i;
    return this;
  }

  public long framesFromKernel() {
    return framesFromKernel.get();
  }

  public long framesToKernel() {
    return framesToKernel.get();
  }

  /** Frames the impairment dropped (loss, MTU, queue), both directions. */
  public long framesDropped() {
    return toKernel.dropped.get() + fromKernel.dropped.get();
  }

  /** Starts delivering the kernel's frames to {@code sink} (on the relay's threads). */
  public synchronized void start(FrameSink sink) {
    if (reader != null) {
      throw new IllegalStateException("already started");
    }
    this.sink = sink;
    reader = new Thread(this::readLoop, "kernel-tap-reader-" + ifname);
    reader.setDaemon(true);
    reader.start();
  }

  private void readLoop() {
    byte[] buf = new byte[65536];
    try {
      while (!closed) {
        int len = fromRelay.readUnsignedShort();
        fromRelay.readFully(buf, 0, len);
        framesFromKernel.incrementAndGet();
        fromKernel.pass(buf, 0, len, f -> {
          FrameSink s = sink;
          if (s != null && !closed) {
            s.deliver(f, 0, f.length, System.nanoTime());
          }
        });
      }
    } catch (EOFException e) {
      // relay ended
    } catch (IOException e) {
      if (!closed) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Sends one frame to the kernel (copied before this returns). */
  public void send(byte[] buf, int off, int len) {
    if (closed) {
      return;
    }
    toKernel.pass(buf, off, len, this::write);
  }

  private void write(byte[] f) {
    synchronized (toRelay) {
      if (closed) {
        return;
      }
      try {
        toRelay.write(f.length >>> 8);
        toRelay.write(f.length);
        toRelay.write(f);
        toRelay.flush();
        framesToKernel.incrementAndGet();
      } catch (IOException e) {
        if (!closed) {
          throw new UncheckedIOException("tap_relay pipe broke", e);
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    synchronized (toRelay) {
      try {
        toRelay.close(); // EOF on stdin ends the helper
      } catch (IOException e) {
        // already gone
      }
    }
    try {
      if (!relay.waitFor(2, TimeUnit.SECONDS)) {
        relay.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One direction's impairment, applied in real time. */
  private final class Direction {
    private final SplittableRandom random;
    volatile Impairment imp = Impairment.NONE;
    private long busyUntil = Long.MIN_VALUE;
    final AtomicLong dropped = new AtomicLong();

    Direction(SplittableRandom random) {
      this.random = random;
    }

    synchronized void pass(byte[] buf, int off, int len, java.util.function.Consumer<byte[]> out) {
      Impairment i = imp;
      byte[] f = java.util.Arrays.copyOfRange(buf, off, off + len);
      if (i == Impairment.NONE) {
        out.accept(f);
        return;
      }
      if (len - 14 > i.mtu() || (i.loss() > 0 && random.nextDouble() < i.loss())) {
        dropped.incrementAndGet();
        return;
      }
      long now = System.nanoTime();
      long at = now;
      if (i.rateBitsPerSecond() > 0) {
        long tx = (len * 8L * 1_000_000_000L) / i.rateBitsPerSecond();
        long start = Math.max(now, busyUntil);
        if (start - now > tx * i.queueFrames()) {
          dropped.incrementAndGet();
          return;
        }
        busyUntil = start + tx;
        at = busyUntil;
      }
      at += i.delayNanos();
      if (i.jitterNanos() > 0) {
        at += random.nextLong(i.jitterNanos() + 1);
      }
      if (i.reorder() > 0 && random.nextDouble() < i.reorder()) {
        at += i.reorderNanos();
      }
      schedule(f, at - now, out);
      if (i.duplicate() > 0 && random.nextDouble() < i.duplicate()) {
        schedule(f, at - now + (i.jitterNanos() > 0 ? random.nextLong(i.jitterNanos() + 1) : 0), out);
      }
    }

    private void schedule(byte[] f, long delayNanos, java.util.function.Consumer<byte[]> out) {
      if (delayNanos <= 0) {
        out.accept(f);
      } else if (!scheduler.isShutdown()) {
        scheduler.schedule(() -> out.accept(f), delayNanos, TimeUnit.NANOSECONDS);
      }
    }
  }
}

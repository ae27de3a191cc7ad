package io.zt4j.testkit.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A simulated Ethernet segment: a learning switch joining any number of ports, each with its
 * own {@link Impairment} on the way in (frames the port sends) and out (frames delivered to it).
 * Unknown, broadcast and multicast destinations are flooded. Everything is driven by virtual
 * time: {@link Port#send} copies and schedules, {@link #poll} delivers what is due and
 * {@link #pollAt} says when the next delivery is. All randomness comes from one seeded source,
 * so a run replays exactly. Frames may be captured to a {@link PcapWriter}.
 *
 * <p>Single-threaded. Sinks may send from inside {@code deliver}: the new frame is only
 * scheduled, never delivered re-entrantly.
 */
public final class SimSwitch {
  /** What happened to frames, for assertions. */
  public enum Counter { SENT, DELIVERED, LOST, DUPLICATED, REORDERED, DROPPED_MTU, DROPPED_QUEUE }

  private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;

  private final SplittableRandom random;
  private final List<Port> ports = new ArrayList<>();
  private final Map<Long, Port> macTable = new HashMap<>();
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private final long[] counters = new long[Counter.values().length];
  private long seq;
  private long now = Long.MIN_VALUE;
  private PcapWriter capture;

  public SimSwitch(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Attaches a port delivering to {@code sink}, without impairment. */
  public Port attach(FrameSink sink) {
    Port p = new Port(ports.size(), sink);
    ports.add(p);
    return p;
  }

  /** Every frame any port sends is also written to {@code w} (as sent, before impairment). */
  public void capture(PcapWriter w) {
    this.capture = w;
  }

  public long count(Counter c) {
    return counters[c.ordinal()];
  }

  public List<Port> ports() {
    return List.copyOf(ports);
  }

  /** The earliest pending delivery, or {@link Long#MAX_VALUE}. */
  public long pollAt() {
    Event e = events.peek();
    return e == null ? Long.MAX_VALUE : e.at;
  }

  /** Performs every step due at or before {@code nowNanos}, in time order. */
  public void poll(long nowNanos) {
    now = Math.max(now, nowNanos);
    Event e;
    while ((e = events.peek()) != null && e.at <= nowNanos) {
      events.poll();
      if (e.toSwitch) {
        forward(e);
      } else {
        counters[Counter.DELIVERED.ordinal()]++;
        e.port.sink.deliver(e.frame, 0, e.frame.length, e.at);
      }
    }
  }

  private void forward(Event e) {
    byte[] f = e.frame;
    long dst = f.length >= 6 ? mac(f, 0) : 0;
    if (f.length >= 12) {
      long src = mac(f, 6);
      if ((src & 0x0100_0000_0000L) == 0) {
        macTable.put(src, e.port);
      }
    }
    Port out = (dst & 0x0100_0000_0000L) == 0 ? macTable.get(dst) : null;
    if (out != null) {
      if (out != e.port) {
        out.down.schedule(f, e.at, out, false);
      }
      return;
    }
    for (Port p : ports) {
      if (p != e.port) {
        p.down.schedule(f, e.at, p, false);
      }
    }
  }

  private static long mac(byte[] f, int off) {
    long m = 0;
    for (int i = 0; i < 6; i++) {
      m = (m << 8) | (f[off + i] & 0xFF);
    }
    return m & MAC_MASK;
  }

  /** One attachment point. */
  public final class Port {
    private final int index;
    private final FrameSink sink;
    private final Direction up = new Direction(true);
    private final Direction down = new Direction(false);

    Port(int index, FrameSink sink) {
      this.index = index;
      this.sink = sink;
    }

    public int index() {
      return index;
    }

    /** Impairs both directions the same way. */
    public Port impair(Impairment i) {
      up.imp = i;
      down.imp = i;
      return this;
    }

    /** Impairs frames this port sends. */
    public Port impairUp(Impairment i) {
      up.imp = i;
      return this;
    }

    /** Impairs frames delivered to this port. */
    public Port impairDown(Impairment i) {
      down.imp = i;
      return this;
    }

    /** Sends a frame at time {@code nowNanos}; the bytes are copied. */
    public void send(byte[] buf, int off, int len, long nowNanos) {
      byte[] f = Arrays.copyOfRange(buf, off, off + len);
      counters[Counter.SENT.ordinal()]++;
      if (capture != null) {
        capture.write(nowNanos, f, 0, f.length);
      }
      up.schedule(f, nowNanos, this, true);
    }
  }

  private final class Direction {
    final boolean toSwitch;
    Impairment imp = Impairment.NONE;
    long busyUntil = Long.MIN_VALUE;

    Direction(boolean toSwitch) {
      this.toSwitch = toSwitch;
    }

    void schedule(byte[] f, long t, Port port, boolean toSwitchStage) {
      Impairment i = imp;
      if (f.length - 14 > i.mtu()) {
        counters[Counter.DROPPED_MTU.ordinal()]++;
        return;
      }
      if (i.loss() > 0 && random.nextDouble() < i.loss()) {
        counters[Counter.LOST.ordinal()]++;
        return;
      }
      long at = t;
      if (i.rateBitsPerSecond() > 0) {
        long tx = (f.length * 8L * 1_000_000_000L) / i.rateBitsPerSecond();
        long start = Math.max(t, busyUntil);
        if (start - t > tx * i.queueFrames()) {
          counters[Counter.DROPPED_QUEUE.ordinal()]++;
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
        counters[Counter.REORDERED.ordinal()]++;
        at += i.reorderNanos();
      }
      events.add(new Event(at, seq++, f, port, toSwitchStage));
      if (i.duplicate() > 0 && random.nextDouble() < i.duplicate()) {
        counters[Counter.DUPLICATED.ordinal()]++;
        long dupAt = at + (i.jitterNanos() > 0 ? random.nextLong(i.jitterNanos() + 1) : 0);
        events.add(new Event(dupAt, seq++, f, port, toSwitchStage));
      }
    }
  }

  private record Event(long at, long seq, byte[] frame, Port port, boolean toSwitch) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}

package io.zt4j.stack.socket.tcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A test network of TCP layers joined at the IP level, with virtual time and seeded faults
 * (loss, duplication, reordering by random extra delay, fixed delay). Used until the stack's
 * simulated Ethernet link carries TCP; it exercises the same {@link TcpIpOutput} contract.
 */
final class SimNet {
  static final long MS = 1_000_000L;

  final class Host implements TcpIpOutput {
    final long hi = 0;
    final long lo;
    final Tcp tcp;
    final int mtu;

    Host(int v4, int mtu, TcpConfig cfg, long seed) {
      this.lo = Tcp.V4_MAPPED | (v4 & 0xFFFFFFFFL);
      this.mtu = mtu;
      this.tcp = new Tcp(this, cfg, new Random(seed));
    }

    @Override
    public int headroom() {
      return 34;
    }

    @Override
    public int mtu(long dstHi, long dstLo) {
      return hostAt(dstLo) != null ? mtu : 0;
    }

    @Override
    public boolean source(long dstHi, long dstLo, long[] out) {
      out[0] = hi;
      out[1] = lo;
      return hostAt(dstLo) != null;
    }

    @Override
    public boolean send(long srcHi, long srcLo, long dstHi, long dstLo, byte[] buf, int off, int len, long nowNanos) {
      Host dst = hostAt(dstLo);
      if (dst == null) {
        return false;
      }
      if (len + 20 > mtu) {
        throw new AssertionError("segment of " + len + " exceeds MTU " + mtu);
      }
      sent++;
      bytesOnWire += len;
      if (tap != null) {
        tap.add(new Packet(0, seqNo++, srcLo, dst, Arrays.copyOfRange(buf, off, off + len)));
      }
      if (rnd.nextDouble() < loss) {
        lost++;
        trace(nowNanos, "LOST", srcLo, buf, off, len);
        return true;
      }
      int copies = rnd.nextDouble() < duplicate ? 2 : 1;
      trace(nowNanos, copies == 2 ? "DUP " : "sent", srcLo, buf, off, len);
      for (int i = 0; i < copies; i++) {
        long at = nowNanos + delayNanos + (rnd.nextDouble() < reorder ? (long) (rnd.nextDouble() * jitterNanos) : 0);
        queue.add(new Packet(at, seqNo++, srcLo, dst, Arrays.copyOfRange(buf, off, off + len)));
      }
      return true;
    }
  }

  record Packet(long at, long order, long srcLo, Host dst, byte[] data) implements Comparable<Packet> {
    @Override
    public int compareTo(Packet o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
    }
  }

  final Random rnd;
  final List<Host> hosts = new ArrayList<>();
  final PriorityQueue<Packet> queue = new PriorityQueue<>();
  long now = 1_000_000_000L;
  double loss;
  double duplicate;
  double reorder;
  long delayNanos = MS;
  long jitterNanos = 5 * MS;
  long seqNo;
  long sent;
  long lost;
  long bytesOnWire;
  List<Packet> tap;
  /**
   * When set, the segments delivered at one instant reach each host as one input batch
   * ({@link Tcp#beginInputBatch}), as the runtime hands over one loop iteration's datagrams.
   */
  boolean batched;
  /** When set, every segment is printed with its fate (debugging aid). */
  java.io.PrintStream trace;

  void trace(long nowNanos, String fate, long srcLo, byte[] buf, int off, int len) {
    if (trace == null) {
      return;
    }
    io.zt4j.stack.wire.TcpHeader h = new io.zt4j.stack.wire.TcpHeader();
    h.wrap(buf, off, len);
    io.zt4j.stack.wire.TcpOptions o = new io.zt4j.stack.wire.TcpOptions();
    o.parse(h);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%10.3f %s %s %s%s%s%s%s seq=%d ack=%d win=%d len=%d", nowNanos / 1e6, fate,
        (srcLo & 0xFF) == 1 ? "A>B" : "B>A", h.has(io.zt4j.stack.wire.TcpHeader.SYN) ? "S" : ".",
        h.has(io.zt4j.stack.wire.TcpHeader.FIN) ? "F" : ".", h.has(io.zt4j.stack.wire.TcpHeader.RST) ? "R" : ".",
        h.has(io.zt4j.stack.wire.TcpHeader.PSH) ? "P" : ".", h.has(io.zt4j.stack.wire.TcpHeader.ACK) ? "A" : ".",
        h.seq() & 0xFFFFFFFFL, h.ack() & 0xFFFFFFFFL, h.window(), h.payloadLength()));
    for (int i = 0; i < o.sackCount; i++) {
      sb.append(" sack=").append(o.sackLeft[i] & 0xFFFFFFFFL).append('-').append(o.sackRight[i] & 0xFFFFFFFFL);
    }
    trace.println(sb);
  }

  SimNet(long seed) {
    rnd = new Random(seed);
  }

  Host host(int v4, int mtu, TcpConfig cfg) {
    Host h = new Host(v4, mtu, cfg, rnd.nextLong());
    hosts.add(h);
    return h;
  }

  Host hostAt(long lo) {
    for (Host h : hosts) {
      if (h.lo == lo) {
        return h;
      }
    }
    return null;
  }

  /** Delivers packets and fires timers in time order until {@code until} (or nothing is left). */
  void runUntil(long until) {
    while (true) {
      long next = nextEvent();
      if (next > until) {
        now = Math.max(now, until);
        return;
      }
      step(next);
    }
  }

  long nextEvent() {
    long next = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().at();
    for (Host h : hosts) {
      next = Math.min(next, h.tcp.pollAt());
    }
    return next;
  }

  void step(long at) {
    now = Math.max(now, at);
    if (batched) {
      for (Host h : hosts) {
        h.tcp.beginInputBatch();
      }
    }
    while (!queue.isEmpty() && queue.peek().at() <= now) {
      Packet p = queue.poll();
      p.dst().tcp.receive(0, p.srcLo(), p.dst().hi, p.dst().lo, p.data(), 0, p.data().length, now);
    }
    if (batched) {
      for (Host h : hosts) {
        h.tcp.endInputBatch(now);
      }
    }
    for (Host h : hosts) {
      if (h.tcp.pollAt() <= now) {
        h.tcp.poll(now);
      }
    }
  }

  /** Runs one event (or advances to {@code limit}); false when nothing happens before limit. */
  boolean stepOnce(long limit) {
    long next = nextEvent();
    if (next > limit) {
      now = limit;
      return false;
    }
    step(next);
    return true;
  }
}

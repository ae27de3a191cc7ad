package io.zt4j.bench.tcp;

import io.zt4j.stack.socket.tcp.Tcp;
import io.zt4j.stack.socket.tcp.TcpConfig;
import io.zt4j.stack.socket.tcp.TcpIpOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Two or more TCP layers joined in memory, no faults, no crypto: {@link TcpIpOutput#send} copies
 * the segment into a preallocated frame slot (as a link would), and {@link #deliver} hands
 * queued frames to their destination. One thread drives everything, so the numbers measure the
 * stack's own cost per byte and per segment.
 */
final class MemoryLink {
  static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;

  final class Host implements TcpIpOutput {
    final long lo;
    final Tcp tcp;

    Host(int v4, TcpConfig cfg, long seed) {
      this.lo = V4_MAPPED | (v4 & 0xFFFFFFFFL);
      this.tcp = new Tcp(this, cfg, new SplittableRandom(seed));
    }

    @Override
    public int headroom() {
      return 64;
    }

    @Override
    public int mtu(long dstHi, long dstLo) {
      return mtu;
    }

    @Override
    public boolean source(long dstHi, long dstLo, long[] out) {
      out[0] = 0;
      out[1] = lo;
      return true;
    }

    @Override
    public boolean send(long srcHi, long srcLo, long dstHi, long dstLo, byte[] buf, int off, int len, long nowNanos) {
      if (count == slots.length) {
        grow();
      }
      int i = (head + count) % slots.length;
      System.arraycopy(buf, off, slots[i], 0, len);
      lens[i] = len;
      src[i] = srcLo;
      dst[i] = dstLo;
      count++;
      frames++;
      return true;
    }
  }

  final int mtu;
  final List<Host> hosts = new ArrayList<>();
  byte[][] slots;
  int[] lens;
  long[] src;
  long[] dst;
  private byte[] spare;
  int head;
  int count;
  long frames;
  /** Deliveries of one {@link #deliver} call are one input batch per host (ACK coalescing, as in the runtime). */
  boolean batched;

  MemoryLink(int mtu, int slotCount) {
    this.mtu = mtu;
    slots = new byte[slotCount][mtu];
    lens = new int[slotCount];
    src = new long[slotCount];
    dst = new long[slotCount];
    spare = new byte[mtu];
  }

  private void grow() {
    int n = slots.length;
    byte[][] s2 = new byte[n * 2][];
    int[] l2 = new int[n * 2];
    long[] a2 = new long[n * 2];
    long[] b2 = new long[n * 2];
    for (int k = 0; k < n; k++) {
      int i = (head + k) % n;
      s2[k] = slots[i];
      l2[k] = lens[i];
      a2[k] = src[i];
      b2[k] = dst[i];
    }
    for (int k = n; k < 2 * n; k++) {
      s2[k] = new byte[mtu];
    }
    slots = s2;
    lens = l2;
    src = a2;
    dst = b2;
    head = 0;
  }

  /**
   * Drops the slots beyond {@code slotCount} once nothing is queued (a burst, such as 10,000
   * delayed ACKs firing in one poll, grows the link; memory measurements should not count it).
   */
  void trim(int slotCount) {
    if (count == 0 && slots.length > slotCount) {
      slots = java.util.Arrays.copyOf(slots, slotCount);
      lens = new int[slotCount];
      src = new long[slotCount];
      dst = new long[slotCount];
      head = 0;
    }
  }

  Host host(int v4, TcpConfig cfg) {
    Host h = new Host(v4, cfg, 1234 + hosts.size());
    hosts.add(h);
    return h;
  }

  /** Delivers every queued frame (and those they trigger, up to the slot count). Returns frames delivered. */
  int deliver(long nowNanos) {
    if (batched) {
      for (int h = 0; h < hosts.size(); h++) {
        hosts.get(h).tcp.beginInputBatch();
      }
    }
    int n = deliverAll(nowNanos);
    if (batched) {
      for (int h = 0; h < hosts.size(); h++) {
        hosts.get(h).tcp.endInputBatch(nowNanos);
      }
    }
    return n;
  }

  private int deliverAll(long nowNanos) {
    int n = 0;
    while (count > 0 && n < slots.length) {
      int i = head;
      head = (head + 1) % slots.length;
      count--;
      for (int h = 0; h < hosts.size(); h++) {
        Host host = hosts.get(h);
        if (host.lo == dst[i]) {
          // swap the slot with the spare buffer so sends triggered by this delivery may reuse it
          byte[] frame = slots[i];
          slots[i] = spare;
          int len = lens[i];
          long from = src[i];
          long to = dst[i];
          host.tcp.receive(0, from, 0, to, frame, 0, len, nowNanos);
          spare = frame;
          break;
        }
      }
      n++;
    }
    return n;
  }
}

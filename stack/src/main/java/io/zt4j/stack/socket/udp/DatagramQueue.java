package io.zt4j.stack.socket.udp;

/**
 * A bounded FIFO of received datagrams with their addresses, stored in one preallocated byte ring
 * (each datagram contiguous; when it does not fit before the end of the ring it starts again at
 * 0), so queueing allocates nothing. Limits: {@code capacityBytes} of data and
 * {@code maxDatagrams} entries. Owner-thread only.
 */
final class DatagramQueue {
  private final byte[] ring;
  private final int maxDatagrams;
  private final int[] starts;
  private final int[] lens;
  private final long[] srcHi;
  private final long[] srcLo;
  private final int[] srcPort;
  private final long[] dstHi;
  private final long[] dstLo;
  private final int[] ifIndex;
  private int first;
  private int count;
  private int bytes;

  DatagramQueue(int capacityBytes, int maxDatagrams) {
    this.ring = new byte[capacityBytes];
    this.maxDatagrams = maxDatagrams;
    this.starts = new int[maxDatagrams];
    this.lens = new int[maxDatagrams];
    this.srcHi = new long[maxDatagrams];
    this.srcLo = new long[maxDatagrams];
    this.srcPort = new int[maxDatagrams];
    this.dstHi = new long[maxDatagrams];
    this.dstLo = new long[maxDatagrams];
    this.ifIndex = new int[maxDatagrams];
  }

  boolean isEmpty() {
    return count == 0;
  }

  int size() {
    return count;
  }

  int bytes() {
    return bytes;
  }

  /** Length of the next datagram, or -1. */
  int peekLength() {
    return count == 0 ? -1 : lens[first];
  }

  /** Appends a copy; false when the datagram does not fit (the caller counts the drop). */
  boolean offer(byte[] buf, int off, int len, long sHi, long sLo, int sPort, long dHi, long dLo, int ifc) {
    if (count == maxDatagrams || len > ring.length) {
      return false;
    }
    int start;
    if (count == 0) {
      start = 0;
    } else {
      int head = starts[first];
      int last = (first + count - 1) % maxDatagrams;
      int tail = starts[last] + lens[last];
      // wrapped when the newest datagram starts before the oldest: the data is [head, end) and
      // [0, tail), and only [tail, head) is free — even when tail == head (full)
      boolean wrapped = starts[last] < head;
      if (!wrapped) {
        if (ring.length - tail >= len) {
          start = tail;
        } else if (len <= head) {
          start = 0;
        } else {
          return false;
        }
      } else if (head - tail >= len) {
        start = tail;
      } else {
        return false;
      }
    }
    System.arraycopy(buf, off, ring, start, len);
    int i = (first + count) % maxDatagrams;
    starts[i] = start;
    lens[i] = len;
    srcHi[i] = sHi;
    srcLo[i] = sLo;
    srcPort[i] = sPort;
    dstHi[i] = dHi;
    dstLo[i] = dLo;
    ifIndex[i] = ifc;
    count++;
    bytes += len;
    return true;
  }

  /**
   * Removes the next datagram, copying at most {@code len} bytes of it into {@code dst} and its
   * addresses into {@code meta}; returns the number of bytes copied, or -1 when empty.
   */
  int poll(byte[] dst, int off, int len, UdpMeta meta) {
    if (count == 0) {
      return -1;
    }
    int i = first;
    int n = Math.min(len, lens[i]);
    System.arraycopy(ring, starts[i], dst, off, n);
    if (meta != null) {
      meta.set(srcHi[i], srcLo[i], srcPort[i], dstHi[i], dstLo[i], ifIndex[i], lens[i]);
    }
    first = (first + 1) % maxDatagrams;
    count--;
    bytes -= lens[i];
    return n;
  }

  void clear() {
    first = 0;
    count = 0;
    bytes = 0;
  }
}

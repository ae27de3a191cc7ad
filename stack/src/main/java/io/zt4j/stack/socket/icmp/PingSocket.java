package io.zt4j.stack.socket.icmp;

import io.zt4j.stack.socket.Readiness;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.StackSocket;
import io.zt4j.stack.wire.IpAddress;
import java.util.ArrayDeque;

/**
 * An ICMP echo ("ping") socket, like Linux's {@code SOCK_DGRAM}/{@code IPPROTO_ICMP} sockets:
 * it owns one echo identifier, sends echo requests with increasing sequence numbers, and reports
 * each request's outcome — a reply with its RTT, an ICMP error, or a timeout — as a
 * {@link PingReply}. Created by {@link PingLayer#open()}; owner-thread only.
 */
public final class PingSocket extends StackSocket {
  /** Requests outstanding at once; older ones are reported as timed out when this overflows. */
  static final int MAX_OUTSTANDING = 64;
  static final int MAX_RESULTS = 1024;

  final PingLayer layer;
  final int identifier;
  int nextSequence;
  private boolean closed;
  final int[] seqs = new int[MAX_OUTSTANDING];
  final long[] sentAt = new long[MAX_OUTSTANDING];
  final long[] deadline = new long[MAX_OUTSTANDING];
  final boolean[] active = new boolean[MAX_OUTSTANDING];
  int outstanding;
  private final ArrayDeque<PingReply> results = new ArrayDeque<>();

  PingSocket(PingLayer layer, int identifier) {
    super(layer.ip().readinessQueue());
    this.layer = layer;
    this.identifier = identifier;
  }

  /** The ICMP echo identifier of this socket. */
  public int identifier() {
    return identifier;
  }

  /**
   * Sends an echo request with {@code data} as payload. Every request produces exactly one
   * {@link PingReply}: the echo reply, an ICMP error, {@code TIMED_OUT} after
   * {@code timeoutNanos}, or — when it could not be sent at all — the error returned here.
   *
   * @return the sequence number used (≥ 0), or a negative {@link SocketError} code
   */
  public int send(IpAddress dst, byte[] data, int off, int len, long timeoutNanos, long nowNanos) {
    if (closed) {
      return SocketError.CLOSED.code();
    }
    return layer.send(this, dst, data, off, len, timeoutNanos, nowNanos);
  }

  /** Sends an echo request with {@code size} bytes of a fixed pattern. */
  public int send(IpAddress dst, int size, long timeoutNanos, long nowNanos) {
    byte[] d = new byte[size];
    for (int i = 0; i < size; i++) {
      d[i] = (byte) (0x20 + i % 64);
    }
    return send(dst, d, 0, size, timeoutNanos, nowNanos);
  }

  /** The next result, or null. */
  public PingReply receive() {
    PingReply r = results.pollFirst();
    return r;
  }

  /** Requests sent and not yet answered, failed or timed out. */
  public int outstanding() {
    return outstanding;
  }

  @Override
  public int readiness() {
    if (closed) {
      return Readiness.HANGUP;
    }
    return Readiness.WRITABLE | (results.isEmpty() ? 0 : Readiness.READABLE) | errorBits();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      layer.closed(this);
      results.clear();
      signal();
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  void result(PingReply r) {
    if (results.size() < MAX_RESULTS) {
      results.addLast(r);
    }
    signal();
  }

  /** Slot of an outstanding sequence number, or -1. */
  int slotOf(int seq) {
    int i = seq & (MAX_OUTSTANDING - 1);
    return active[i] && seqs[i] == seq ? i : -1;
  }

  long nextDeadline() {
    if (outstanding == 0) {
      return Long.MAX_VALUE;
    }
    long at = Long.MAX_VALUE;
    for (int i = 0; i < MAX_OUTSTANDING; i++) {
      if (active[i]) {
        at = Math.min(at, deadline[i]);
      }
    }
    return at;
  }
}

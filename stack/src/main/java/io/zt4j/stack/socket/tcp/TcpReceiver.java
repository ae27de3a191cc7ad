package io.zt4j.stack.socket.tcp;

import io.zt4j.stack.storage.Assembler;
import io.zt4j.stack.storage.ByteRing;
import io.zt4j.stack.wire.Seq;

/**
 * The receive half of a connection: RCV.NXT, the receive ring (in-order bytes readable by the
 * application, out-of-order bytes placed at their offset and tracked by an {@link Assembler}),
 * the advertised window with receiver-side SWS avoidance (RFC 9293 §3.8.6.2.2) and auto-tuning,
 * the ACK policy (RFC 5681 §4.2 / RFC 9293 §3.8.6.3: at least every second full-sized segment,
 * immediately on out-of-order data or a filled hole, otherwise after the delayed-ACK timeout),
 * the peer's FIN, and RFC 7323 TS.Recent.
 *
 * <p>Two kinds of owed ACK: {@link #ackNow} must go out at once (out-of-order or duplicate data,
 * a filled hole, FIN, window updates, RFC 5961 challenges); {@link #ackDue} is the "every second
 * full-sized segment" ACK, which the layer may stretch over the rest of an input batch
 * ({@link Tcp#beginInputBatch}) up to {@link #stretchLimit} bytes — one ACK for everything a
 * batch brought in order, like Linux after GRO.
 *
 * <p>Owner thread only. Payload is copied once into the ring here and once out in
 * {@link #read}.
 */
final class TcpReceiver {
  final ByteRing ring;
  final Assembler ooo = new Assembler();
  int irs;
  int rcvNxt;
  /** Right edge of the window we advertised last (never moves left: RFC 9293 §3.8.6.2.2). */
  int rcvAdvEdge;
  /** Our window-scale shift (0 when scaling is off). */
  int rcvScale;
  /** Largest segment we expect (our MSS), for the ACK and SWS rules. */
  int rcvMss = 536;
  /** Largest payload seen: the peer's effective MSS for the "every second full segment" rule. */
  int largestSegment = 536;

  boolean finPending;
  int finSeq;
  boolean finReceived;
  boolean inputShutdown;

  /** Bytes received in order since we last sent an ACK. */
  int bytesSinceAck;
  /** An ACK must be sent now. */
  boolean ackNow;
  /** Two full segments arrived in order since the last ACK: an ACK is owed (stretchable within a batch). */
  boolean ackDue;
  /** Set while this socket is on the layer's list of ACKs deferred to the end of the input batch. */
  boolean ackDeferred;
  /** Deadline of the delayed ACK, or Long.MAX_VALUE. */
  long delayedAckAt = Long.MAX_VALUE;
  long delayedAckNanos = 40_000_000L;

  int tsRecent;
  long tsRecentAtNanos;
  int lastAckSent;

  int maxLimit;
  boolean autoTune = true;
  long tuneEpochAtNanos;
  long tuneCopied;

  TcpReceiver(int initialLimit, int maxLimit) {
    this.ring = new ByteRing(initialLimit);
    this.maxLimit = Math.max(initialLimit, maxLimit);
  }

  /** Starts the sequence space at the peer's SYN. */
  void init(int segSeq) {
    irs = segSeq;
    rcvNxt = segSeq + 1;
    rcvAdvEdge = rcvNxt;
    lastAckSent = rcvNxt;
  }

  /** Bytes of window we could offer now (free ring space, which includes the out-of-order area). */
  int space() {
    return ring.free();
  }

  /**
   * The window to put in an outgoing segment (unscaled bytes, before the shift), applying
   * receiver SWS avoidance and never retracting the right edge. Updates {@link #rcvAdvEdge}.
   */
  int advertise(boolean syn) {
    int space = space();
    int potential = rcvNxt + space;
    if (Seq.gt(potential, rcvAdvEdge)) {
      long growth = Seq.distance(rcvAdvEdge, potential);
      long current = Seq.lt(rcvAdvEdge, rcvNxt) ? 0 : Seq.distance(rcvNxt, rcvAdvEdge);
      if (growth >= Math.min(ring.limit() / 2, rcvMss) || current == 0 && space >= Math.min(ring.limit() / 2, rcvMss)) {
        rcvAdvEdge = potential;
      }
    }
    if (Seq.lt(rcvAdvEdge, rcvNxt)) {
      rcvAdvEdge = rcvNxt;
    }
    long w = Seq.distance(rcvNxt, rcvAdvEdge);
    int shift = syn ? 0 : rcvScale;
    long field = Math.min(w >>> shift, 0xFFFF);
    // the edge the peer will compute from what we send (scaling rounds down)
    int effective = rcvNxt + (int) (field << shift);
    if (Seq.gt(effective, rcvAdvEdge)) {
      rcvAdvEdge = effective;
    }
    return (int) field;
  }

  /**
   * True when an application read opened the window enough that the peer should hear about it
   * now (the new window is at least twice what it knows and at least one MSS larger).
   */
  boolean windowUpdateWorthwhile() {
    int potential = rcvNxt + space();
    if (!Seq.gt(potential, rcvAdvEdge)) {
      return false;
    }
    long gain = Seq.distance(rcvAdvEdge, potential);
    long known = Seq.lt(rcvAdvEdge, rcvNxt) ? 0 : Seq.distance(rcvNxt, rcvAdvEdge);
    return gain >= rcvMss && gain >= known;
  }

  /**
   * Accepts the payload (and FIN) of an acceptable segment starting at {@code seq}: trims what
   * lies before RCV.NXT or beyond our buffer, places the rest, advances RCV.NXT and decides the
   * ACK. Returns true when the FIN was consumed by this call.
   */
  boolean onSegment(int seq, byte[] buf, int off, int len, boolean fin, long nowNanos) {
    int start = seq;
    int offered = len;
    if (Seq.lt(start, rcvNxt)) {
      int skip = (int) Math.min(Seq.distance(start, rcvNxt), len);
      off += skip;
      len -= skip;
      start = rcvNxt;
    }
    int edge = rcvNxt + space();
    if (len > 0 && Seq.gt(start + len, edge)) {
      len = Seq.lt(start, edge) ? (int) Seq.distance(start, edge) : 0;
      fin = false;
    }
    boolean hadHoles = !ooo.isEmpty();
    if (offered > 0 && len == 0) {
      ackNow = true; // nothing of it fit: tell the sender where we are (RFC 9293 §3.10.7.4)
    }
    if (len > 0) {
      largestSegment = Math.max(largestSegment, len);
      int at = (int) Seq.distance(rcvNxt, start);
      if (at == 0) {
        ring.writeAt(0, buf, off, len);
        int next = ooo.advance(rcvNxt + len);
        ring.commit((int) Seq.distance(rcvNxt, next));
        rcvNxt = next;
        if (inputShutdown) {
          ring.discard(ring.size());
        }
        bytesSinceAck += len;
        if (hadHoles) {
          ackNow = true;
        } else if (bytesSinceAck >= 2 * fullSegment()) {
          ackDue = true;
        } else if (delayedAckAt == Long.MAX_VALUE) {
          delayedAckAt = nowNanos + delayedAckNanos;
        }
      } else if (ooo.add(start, start + len)) {
        ring.writeAt(at, buf, off, len);
        ackNow = true; // RFC 5681 §4.2: out-of-order data is ACKed at once (a duplicate ACK)
      } else {
        ackNow = true;
      }
    } else if (!fin) {
      return false;
    }
    if (fin && !finReceived) {
      finPending = true;
      finSeq = start + len;
    }
    if (finPending && !finReceived && rcvNxt == finSeq && ooo.isEmpty()) {
      rcvNxt++;
      finReceived = true;
      finPending = false;
      ackNow = true;
      return true;
    }
    return false;
  }

  /** The peer's full-sized segment as far as we can tell (its largest payload, at most our MSS). */
  private int fullSegment() {
    return Math.min(largestSegment, rcvMss);
  }

  /**
   * How many in-order bytes one stretched ACK may cover: {@code segments} full-sized segments,
   * at most a quarter of the receive buffer, never below the RFC 5681 two segments. A bounded
   * stretch keeps the sender's clock (ACK-driven sending and, with byte counting, cwnd growth)
   * and its loss detection (duplicate ACKs and SACK still go out at once) intact.
   */
  int stretchLimit(int segments) {
    int seg = fullSegment();
    long limit = Math.min((long) segments * seg, ring.limit() / 4);
    return (int) Math.max(limit, 2L * seg);
  }

  /** Bytes the application can read now. */
  int readable() {
    return ring.size();
  }

  /** Copies out up to {@code len} bytes for the application and feeds auto-tuning. */
  int read(byte[] dst, int off, int len, long nowNanos, long srttNanos) {
    int n = ring.read(dst, off, len);
    if (n > 0) {
      tune(n, nowNanos, srttNanos);
    }
    return n;
  }

  /**
   * Receive-window auto-tuning (like Linux's DRS): when the application drained at least half
   * the buffer within one RTT, the window was the bottleneck, so double it up to the maximum.
   */
  private void tune(int copied, long nowNanos, long srttNanos) {
    if (!autoTune) {
      return;
    }
    tuneCopied += copied;
    long rtt = Math.max(srttNanos, 1_000_000L);
    if (nowNanos - tuneEpochAtNanos >= rtt) {
      if (tuneCopied * 2 >= ring.limit() && ring.limit() < maxLimit) {
        ring.limit((int) Math.min((long) ring.limit() * 2, maxLimit));
      }
      tuneEpochAtNanos = nowNanos;
      tuneCopied = 0;
    }
  }

  /** Records that an ACK for RCV.NXT went out. */
  void ackSent() {
    ackNow = false;
    ackDue = false;
    bytesSinceAck = 0;
    delayedAckAt = Long.MAX_VALUE;
    lastAckSent = rcvNxt;
  }

  /** Discards buffered and future input (shutdown of the receive direction). */
  void shutdown() {
    inputShutdown = true;
    ring.discard(ring.size());
  }

  /** Frees buffer memory once nothing is buffered (e.g. in TIME_WAIT). */
  void releaseMemory() {
    if (ring.isEmpty() && ooo.isEmpty()) {
      ring.release();
      ooo.release();
    }
  }
}

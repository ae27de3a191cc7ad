package io.zt4j.stack.socket.tcp;

/**
 * A congestion controller: owns cwnd and ssthresh (in bytes) and reacts to the sender's events.
 * The sender decides <em>when</em> an event happens (new data acknowledged, loss detected by
 * duplicate ACKs/SACK, recovery finished, retransmission timeout); the controller decides
 * <em>how much</em> may be in flight. {@link NewReno} (RFC 5681/6582) and {@link Cubic} (RFC 9438,
 * the default) implement it. One instance per connection; called on the stack's owner thread.
 */
public interface CongestionControl {
  /** Which controller a connection uses. */
  enum Kind {
    NEW_RENO,
    CUBIC;

    public CongestionControl create(int mss) {
      return this == NEW_RENO ? new NewReno(mss) : new Cubic(mss);
    }
  }

  /**
   * RFC 3465's limit L on the slow-start increase per ACK, in segments. The RFC's L = 2·SMSS
   * assumes one ACK per one or two segments; with stretch ACKs (Linux receivers after GRO, our
   * own ACK coalescing per input batch, {@link TcpConfig#ackStretchSegments}) it would slow slow
   * start down by up to 8×. Linux counts every acknowledged segment; we allow up to 16 segments
   * per ACK, which covers a coalesced ACK and still bounds the burst after a large cumulative ACK.
   */
  int SLOW_START_LIMIT_SEGMENTS = 16;

  /** The slow-start increase for an ACK of {@code ackedBytes} (RFC 3465 byte counting with limit L). */
  static int slowStartIncrease(int ackedBytes, int mss) {
    return (int) Math.min(ackedBytes, (long) SLOW_START_LIMIT_SEGMENTS * mss);
  }

  /** Congestion window in bytes. */
  int cwnd();

  /** Slow-start threshold in bytes. */
  int ssthresh();

  /** The sender's MSS changed (e.g. path MTU); windows stay in bytes. */
  void mss(int mss);

  /**
   * New data was cumulatively acknowledged outside loss recovery.
   *
   * @param ackedBytes bytes newly acknowledged
   * @param bytesInFlight bytes outstanding before this ACK
   * @param srttNanos smoothed RTT (0 when unknown)
   */
  void onAck(long nowNanos, int ackedBytes, int bytesInFlight, long srttNanos);

  /** Loss detected by duplicate ACKs / SACK: entering fast recovery (RFC 5681 §3.2 step 2). */
  void onCongestionEvent(long nowNanos, int bytesInFlight);

  /** Fast recovery finished (the recovery point was acknowledged). */
  void onRecoveryExit(long nowNanos);

  /** The retransmission timer expired (RFC 5681 §3.1, eq. 4; cwnd = loss window). */
  void onRetransmitTimeout(long nowNanos, int bytesInFlight);

  /** The connection was idle for more than an RTO (RFC 5681 §4.1): restart window. */
  void onIdleRestart(long nowNanos);
}

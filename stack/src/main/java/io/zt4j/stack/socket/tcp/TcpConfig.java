package io.zt4j.stack.socket.tcp;

/**
 * Layer-wide TCP settings; each new socket copies the per-socket ones (buffer sizes, Nagle,
 * keepalive, congestion control), which the application may then change on the socket.
 * Mutable, owner thread only. Defaults follow Linux where the RFCs leave a choice.
 */
public final class TcpConfig {
  /** Send buffer limit in bytes (SO_SNDBUF). */
  public int sendBufferBytes = 1 << 20;
  /** Initial receive window in bytes; auto-tuning grows it up to {@link #receiveBufferMaxBytes}. */
  public int receiveBufferBytes = 128 * 1024;
  /** Ceiling for receive-window auto-tuning (like Linux tcp_rmem[2]). */
  public int receiveBufferMaxBytes = 6 * 1024 * 1024;
  /** Delayed-ACK timeout (RFC 9293 §3.8.6.3 requires &lt; 500 ms; RFC 5681 asks ≤ 200 ms). */
  public long delayedAckNanos = 40_000_000L;
  /**
   * ACK coalescing within an input batch ({@link Tcp#beginInputBatch}): one pure ACK may cover
   * up to this many full-sized in-order segments (and at most a quarter of the receive buffer)
   * instead of every second one (RFC 5681 §4.2), like Linux's ACKs after GRO. Outside a batch,
   * or with a value of 2 or less, every second full-sized segment is ACKed.
   */
  public int ackStretchSegments = 16;
  /** TIME_WAIT duration, 2·MSL (Linux uses 60 s). */
  public long timeWaitNanos = 60_000_000_000L;
  /** How long an orphaned connection may sit in FIN_WAIT_2 (Linux tcp_fin_timeout). */
  public long finWait2TimeoutNanos = 60_000_000_000L;
  /** SYN (and SYN-ACK) retransmissions before a connect fails with TIMED_OUT (Linux: 6). */
  public int synRetries = 6;
  /** Data retransmissions (RTO expiries in a row) before the connection fails (Linux tcp_retries2). */
  public int maxRetransmits = 15;
  /** RTO floor (RFC 6298 §2.4 allows below 1 s; Linux uses 200 ms). */
  public long minRtoNanos = RtoEstimator.DEFAULT_MIN_RTO_NANOS;
  public CongestionControl.Kind congestionControl = CongestionControl.Kind.CUBIC;
  public boolean noDelay = false;
  public boolean keepAlive = false;
  public long keepAliveIdleNanos = 7_200_000_000_000L;
  public long keepAliveIntervalNanos = 75_000_000_000L;
  public int keepAliveProbes = 9;
  /** Offer/accept RFC 7323 timestamps. */
  public boolean timestamps = true;
  /** Offer/accept RFC 7323 window scaling. */
  public boolean windowScaling = true;
  /** Offer/accept RFC 2018 SACK. */
  public boolean sack = true;
  /** Half-open (SYN_RECEIVED) connections per listener before SYN cookies are used. */
  public int synQueueLimit = 256;
  /** Use SYN cookies when the SYN queue is full (otherwise drop the SYN). */
  public boolean synCookies = true;
  /** Ephemeral port range (RFC 6056; Linux's default range). */
  public int ephemeralLow = 32768;
  public int ephemeralHigh = 60999;
  /** Challenge ACKs per second across the layer (RFC 5961 §7). */
  public int challengeAckLimitPerSecond = 1000;

  /** RFC 6928 initial window: min(10·MSS, max(2·MSS, 14600)). */
  static int initialWindow(int mss) {
    return Math.min(10 * mss, Math.max(2 * mss, 14600));
  }
}

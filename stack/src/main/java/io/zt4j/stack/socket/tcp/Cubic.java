package io.zt4j.stack.socket.tcp;

/**
 * CUBIC congestion control (RFC 9438). Windows are tracked in segments (doubles) and exposed
 * in bytes. After a congestion event at window W_max the window follows
 * W_cubic(t) = C·(t − K)³ + W_max with K = ∛(W_max·(1 − β)/C) (§4.2), C = 0.4, β = 0.7; the
 * Reno-friendly estimate W_est (§4.3) is used when larger; fast convergence (§4.7) lowers W_max
 * when a flow keeps losing. Slow start below ssthresh is standard (with RFC 3465 byte counting,
 * {@link CongestionControl#slowStartIncrease}).
 */
public final class Cubic implements CongestionControl {
  static final double C = 0.4;
  static final double BETA = 0.7;
  /** RFC 9438 §4.3: α_cubic = 3(1 − β)/(1 + β). */
  static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

  private int mss;
  private int cwnd;
  private int ssthresh = Integer.MAX_VALUE;

  private double wMax; // segments
  private double wLastMax;
  private double k; // seconds
  private long epochStartNanos = -1;
  private double wEst; // segments
  private double cwndSegmentsCarry; // fractional growth carried between ACKs

  public Cubic(int mss) {
    this.mss = mss;
    this.cwnd = TcpConfig.initialWindow(mss);
  }

  @Override
  public int cwnd() {
    return cwnd;
  }

  @Override
  public int ssthresh() {
    return ssthresh;
  }

  @Override
  public void mss(int mss) {
    this.mss = mss;
  }

  @Override
  public void onAck(long nowNanos, int ackedBytes, int bytesInFlight, long srttNanos) {
    if (cwnd < ssthresh) {
      cwnd = NewReno.saturatingAdd(cwnd, CongestionControl.slowStartIncrease(ackedBytes, mss));
      return;
    }
    double cwndSeg = (double) cwnd / mss;
    if (epochStartNanos < 0) {
      epochStartNanos = nowNanos;
      if (cwndSeg < wMax) {
        k = Math.cbrt((wMax - cwndSeg) / C);
      } else {
        k = 0;
        wMax = cwndSeg;
      }
      wEst = cwndSeg;
    }
    double ackedSeg = (double) ackedBytes / mss;
    // §4.3 Reno-friendly region
    wEst += ALPHA * ackedSeg / cwndSeg;
    double t = (nowNanos - epochStartNanos) / 1e9;
    double rtt = Math.max(srttNanos, 1_000_000L) / 1e9;
    double target = wCubic(t + rtt);
    // §4.4: target limited to [cwnd, 1.5 cwnd]
    target = Math.max(cwndSeg, Math.min(target, 1.5 * cwndSeg));
    double next;
    if (wCubic(t) < wEst) {
      next = cwndSeg + Math.max(0, wEst - cwndSeg) * ackedSeg / cwndSeg;
      next = Math.min(next, wEst);
      next = Math.max(next, cwndSeg);
    } else {
      next = cwndSeg + (target - cwndSeg) * ackedSeg / cwndSeg;
    }
    double grownBytes = (next - cwndSeg) * mss + cwndSegmentsCarry;
    int whole = (int) grownBytes;
    cwndSegmentsCarry = grownBytes - whole;
    cwnd = NewReno.saturatingAdd(cwnd, whole);
  }

  private double wCubic(double t) {
    double d = t - k;
    return C * d * d * d + wMax;
  }

  @Override
  public void onCongestionEvent(long nowNanos, int bytesInFlight) {
    reduce(nowNanos);
  }

  private void reduce(long nowNanos) {
    double cwndSeg = (double) cwnd / mss;
    // §4.7 fast convergence
    if (cwndSeg < wLastMax) {
      wLastMax = cwndSeg;
      wMax = cwndSeg * (1 + BETA) / 2;
    } else {
      wLastMax = cwndSeg;
      wMax = cwndSeg;
    }
    int reduced = (int) Math.max(cwnd * BETA, 2.0 * mss);
    ssthresh = reduced;
    cwnd = reduced;
    epochStartNanos = -1;
    cwndSegmentsCarry = 0;
  }

  @Override
  public void onRecoveryExit(long nowNanos) {
    cwnd = Math.max(ssthresh, 2 * mss);
  }

  @Override
  public void onRetransmitTimeout(long nowNanos, int bytesInFlight) {
    reduce(nowNanos);
    cwnd = mss;
  }

  @Override
  public void onIdleRestart(long nowNanos) {
    cwnd = Math.min(cwnd, TcpConfig.initialWindow(mss));
    epochStartNanos = -1;
  }

  /** W_max in segments (for tests). */
  double wMaxSegments() {
    return wMax;
  }

  /** K in seconds (for tests). */
  double kSeconds() {
    return k;
  }
}

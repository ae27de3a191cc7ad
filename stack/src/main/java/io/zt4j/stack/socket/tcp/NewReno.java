package io.zt4j.stack.socket.tcp;

/**
 * Reno/NewReno congestion control (RFC 5681, RFC 6582): slow start with appropriate byte
 * counting (RFC 3465, with L = {@link CongestionControl#SLOW_START_LIMIT_SEGMENTS}·SMSS for
 * stretch ACKs), congestion avoidance growing by one SMSS per window of acknowledged bytes, halving on loss, one SMSS after a timeout. The NewReno partial-ACK rules
 * live in the sender's recovery logic.
 */
public final class NewReno implements CongestionControl {
  private int mss;
  private int cwnd;
  private int ssthresh = Integer.MAX_VALUE;
  private long caAccumulator;

  public NewReno(int mss) {
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
      cwnd = saturatingAdd(cwnd, CongestionControl.slowStartIncrease(ackedBytes, mss));
      return;
    }
    caAccumulator += ackedBytes;
    if (caAccumulator >= cwnd) {
      caAccumulator -= cwnd;
      cwnd = saturatingAdd(cwnd, mss);
    }
  }

  @Override
  public void onCongestionEvent(long nowNanos, int bytesInFlight) {
    ssthresh = Math.max(bytesInFlight / 2, 2 * mss);
    cwnd = ssthresh;
    caAccumulator = 0;
  }

  @Override
  public void onRecoveryExit(long nowNanos) {
    cwnd = ssthresh;
  }

  @Override
  public void onRetransmitTimeout(long nowNanos, int bytesInFlight) {
    ssthresh = Math.max(bytesInFlight / 2, 2 * mss);
    cwnd = mss;
    caAccumulator = 0;
  }

  @Override
  public void onIdleRestart(long nowNanos) {
    cwnd = Math.min(cwnd, TcpConfig.initialWindow(mss));
  }

  static int saturatingAdd(int a, int b) {
    long s = (long) a + b;
    return s > (1 << 30) ? (1 << 30) : (int) s;
  }
}

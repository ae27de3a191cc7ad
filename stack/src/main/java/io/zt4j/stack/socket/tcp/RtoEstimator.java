package io.zt4j.stack.socket.tcp;

/**
 * Retransmission timeout per RFC 6298: SRTT/RTTVAR smoothing (α = 1/8, β = 1/4), RTO = SRTT +
 * max(G, 4·RTTVAR), a Linux-like 200 ms floor instead of the RFC's 1 s (RFC 6298 §2.4 allows
 * it), a 120 s ceiling, an initial 1 s (§2.1), and exponential backoff on expiry (§5.5). Karn's
 * rule (§3) is the caller's: it only feeds samples from segments that were never retransmitted,
 * or timestamp echoes (RFC 7323 §4), and calls {@link #resetBackoff} on a fresh sample.
 */
public final class RtoEstimator {
  public static final long INITIAL_RTO_NANOS = 1_000_000_000L;
  public static final long DEFAULT_MIN_RTO_NANOS = 200_000_000L;
  public static final long MAX_RTO_NANOS = 120_000_000_000L;
  /** Clock granularity G: we measure in nanoseconds, so a 1 ms floor keeps the variance term sane. */
  private static final long GRANULARITY_NANOS = 1_000_000L;

  private final long minRtoNanos;
  private long srttNanos;
  private long rttvarNanos;
  private boolean hasSample;
  private int backoff;

  public RtoEstimator() {
    this(DEFAULT_MIN_RTO_NANOS);
  }

  public RtoEstimator(long minRtoNanos) {
    this.minRtoNanos = minRtoNanos;
  }

  /** Feeds one RTT measurement (RFC 6298 §2.2–2.3). */
  public void sample(long rttNanos) {
    long r = Math.max(rttNanos, 1);
    if (!hasSample) {
      srttNanos = r;
      rttvarNanos = r / 2;
      hasSample = true;
    } else {
      long err = Math.abs(srttNanos - r);
      rttvarNanos += (err - rttvarNanos) / 4;
      srttNanos += (r - srttNanos) / 8;
    }
  }

  public boolean hasSample() {
    return hasSample;
  }

  /** Smoothed RTT, or 0 before the first sample. */
  public long srttNanos() {
    return srttNanos;
  }

  public long rttvarNanos() {
    return rttvarNanos;
  }

  /** The current timeout including backoff. */
  public long rtoNanos() {
    long base = hasSample ? srttNanos + Math.max(GRANULARITY_NANOS, 4 * rttvarNanos) : INITIAL_RTO_NANOS;
    base = Math.max(base, minRtoNanos);
    long r = base << Math.min(backoff, 20);
    return Math.min(r < 0 ? MAX_RTO_NANOS : r, MAX_RTO_NANOS);
  }

  /** The timeout without backoff (used e.g. to size delays relative to the path's RTT). */
  public long baseRtoNanos() {
    long base = hasSample ? srttNanos + Math.max(GRANULARITY_NANOS, 4 * rttvarNanos) : INITIAL_RTO_NANOS;
    return Math.min(Math.max(base, minRtoNanos), MAX_RTO_NANOS);
  }

  /** Doubles the timeout after an expiry (RFC 6298 §5.5). */
  public void backOff() {
    if (backoff < 30) {
      backoff++;
    }
  }

  public int backoffCount() {
    return backoff;
  }

  public void resetBackoff() {
    backoff = 0;
  }
}

package io.zt4j.stack.wire;

/**
 * Wraparound-safe arithmetic on 32-bit TCP sequence numbers (RFC 9293 §3.4, RFC 1982 serial
 * number arithmetic). Sequence numbers are plain {@code int}s so the data path never allocates;
 * every comparison goes through these helpers, never through {@code <} on raw values.
 *
 * <p>{@code a} is "before" {@code b} when {@code b - a}, taken as a signed 32-bit difference, is
 * positive: valid while the two are less than 2^31 apart, which TCP's window rules guarantee.
 */
public final class Seq {
  private Seq() {}

  /** {@code a < b} in sequence space. */
  public static boolean lt(int a, int b) {
    return a - b < 0;
  }

  /** {@code a <= b} in sequence space. */
  public static boolean le(int a, int b) {
    return a - b <= 0;
  }

  /** {@code a > b} in sequence space. */
  public static boolean gt(int a, int b) {
    return a - b > 0;
  }

  /** {@code a >= b} in sequence space. */
  public static boolean ge(int a, int b) {
    return a - b >= 0;
  }

  /** The later of two sequence numbers. */
  public static int max(int a, int b) {
    return a - b >= 0 ? a : b;
  }

  /** The earlier of two sequence numbers. */
  public static int min(int a, int b) {
    return a - b <= 0 ? a : b;
  }

  /** {@code lo <= s < hi} in sequence space (an empty range when {@code lo == hi}). */
  public static boolean inRange(int s, int lo, int hi) {
    return s - lo >= 0 && s - hi < 0;
  }

  /** Distance from {@code from} to {@code to} as an unsigned value in a {@code long}. */
  public static long distance(int from, int to) {
    return (to - from) & 0xFFFFFFFFL;
  }
}

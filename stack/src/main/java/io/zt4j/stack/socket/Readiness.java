package io.zt4j.stack.socket;

/** Readiness bits reported by {@link StackSocket#readiness()} (like {@code poll(2)} events). */
public final class Readiness {
  private Readiness() {}

  /** Data (or a connection to accept) is available, or the peer has finished sending. */
  public static final int READABLE = 1;
  /** A send would make progress. */
  public static final int WRITABLE = 2;
  /** An error is pending: {@code takeError()} returns it. */
  public static final int ERROR = 4;
  /** The connection is finished in both directions, or the socket was closed. */
  public static final int HANGUP = 8;
}

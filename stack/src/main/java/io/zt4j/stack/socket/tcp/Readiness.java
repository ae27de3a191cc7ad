package io.zt4j.stack.socket.tcp;

/**
 * Readiness bits a selector needs (the stack contract's READABLE/WRITABLE/ERROR/HANGUP).
 *
 * <ul>
 *   <li>{@link #READABLE}: data to read, the peer's FIN (read returns EOF), or — for a listener —
 *       a connection to accept;
 *   <li>{@link #WRITABLE}: a connected socket has send-buffer room;
 *   <li>{@link #ERROR}: {@link TcpSocket#error()} is set (refused, reset, timed out…);
 *   <li>{@link #HANGUP}: both directions are finished (or the connection is gone).
 * </ul>
 */
public final class Readiness {
  public static final int READABLE = 1;
  public static final int WRITABLE = 2;
  public static final int ERROR = 4;
  public static final int HANGUP = 8;

  private Readiness() {}

  public static String toString(int bits) {
    StringBuilder sb = new StringBuilder("[");
    if ((bits & READABLE) != 0) {
      sb.append("R");
    }
    if ((bits & WRITABLE) != 0) {
      sb.append("W");
    }
    if ((bits & ERROR) != 0) {
      sb.append("E");
    }
    if ((bits & HANGUP) != 0) {
      sb.append("H");
    }
    return sb.append(']').toString();
  }
}

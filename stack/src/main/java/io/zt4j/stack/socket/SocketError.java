package io.zt4j.stack.socket;

/**
 * Error codes the stack reports to the socket layer and its driver. Network events are never
 * exceptions: operations that return a byte count return either a count (≥ 0) or
 * {@link #code()} (< 0), and asynchronous errors (ICMP, resets, timeouts) are stored on the
 * socket, flagged with {@link Readiness#ERROR}, and taken with {@code takeError()} — the
 * {@code SO_ERROR} pattern. The runtime maps them to {@code java.net} exceptions.
 *
 * <p>Codes are stable: new values are appended, existing ones never renumbered.
 */
public enum SocketError {
  /** Nothing to read / no buffer space now; try again when readiness changes. */
  WOULD_BLOCK(-1),
  /** Port unreachable (UDP) or RST in answer to SYN (TCP): {@code ECONNREFUSED}. */
  CONNECTION_REFUSED(-2),
  CONNECTION_RESET(-3),
  TIMED_OUT(-4),
  NETWORK_UNREACHABLE(-5),
  HOST_UNREACHABLE(-6),
  /** No route to the destination in the stack's tables. */
  NO_ROUTE(-7),
  /** Datagram larger than the path allows without fragmentation ({@code EMSGSIZE}). */
  MESSAGE_TOO_BIG(-8),
  ADDRESS_IN_USE(-9),
  /** The local address is not one of the stack's ({@code EADDRNOTAVAIL}). */
  ADDRESS_NOT_AVAILABLE(-10),
  NOT_CONNECTED(-11),
  ALREADY_CONNECTED(-12),
  /** A queue or buffer limit was hit ({@code ENOBUFS}). */
  NO_BUFFER_SPACE(-13),
  /** The socket is closed. */
  CLOSED(-14),
  INVALID_ARGUMENT(-15),
  PROTOCOL_UNREACHABLE(-16),
  /** Hop limit exceeded in transit (ICMP time exceeded). */
  TTL_EXCEEDED(-17),
  /** Sending to a broadcast address without the broadcast option ({@code EACCES}). */
  BROADCAST_NOT_ALLOWED(-18),
  /** Administratively prohibited (ICMP), or the peer's parameter problem. */
  PROHIBITED(-19),
  CONNECTION_ABORTED(-20),
  /** No ephemeral port left. */
  NO_PORTS(-21),
  /** The peer reported a parameter problem in our packet ({@code EPROTO}). */
  PROTOCOL_ERROR(-22);

  private final int code;

  SocketError(int code) {
    this.code = code;
  }

  /** The negative code used as a return value. */
  public int code() {
    return code;
  }

  /** The error for a negative code; {@link IllegalArgumentException} for anything else. */
  public static SocketError of(int code) {
    int i = -code - 1;
    SocketError[] all = values();
    if (i < 0 || i >= all.length) {
      throw new IllegalArgumentException("not a SocketError code: " + code);
    }
    return all[i];
  }
}

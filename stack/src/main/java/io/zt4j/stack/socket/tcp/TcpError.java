package io.zt4j.stack.socket.tcp;

/**
 * Why a connection failed, as the socket layer reports it (never an exception for a network
 * event). The runtime maps these to {@code java.net} exceptions.
 */
public enum TcpError {
  /** No error. */
  NONE,
  /** The peer answered the SYN with a RST (ECONNREFUSED). */
  REFUSED,
  /** The peer reset an established connection (ECONNRESET). */
  RESET,
  /** Retransmissions, SYN retries, keepalive probes or the linger time ran out (ETIMEDOUT). */
  TIMED_OUT,
  /** An ICMP destination/port unreachable arrived while connecting, or no route (EHOSTUNREACH). */
  UNREACHABLE,
  /** The send direction was shut down or the connection closed (EPIPE). */
  SHUT_DOWN,
  /** The operation needs a connected socket (ENOTCONN). */
  NOT_CONNECTED,
  /** No free local port / address already in use (EADDRINUSE / EADDRNOTAVAIL). */
  ADDRESS_IN_USE
}

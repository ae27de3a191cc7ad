package io.zt4j.stack.socket.tcp;

/** Why TCP dropped (or refused) an incoming segment; counted per layer ({@link Tcp#dropped}). */
public enum TcpDrop {
  /** Shorter than a header or data offset out of range. */
  MALFORMED,
  BAD_CHECKSUM,
  BAD_OPTIONS,
  /** Port 0, or a source that is ours / multicast / broadcast. */
  BAD_ADDRESS,
  /** No connection or listener: answered with a RST (RFC 9293 §3.10.7.1). */
  NO_SOCKET,
  /** Sequence number outside the window (an ACK was sent back). */
  OUT_OF_WINDOW,
  /** RFC 7323 PAWS: timestamp older than TS.Recent. */
  PAWS,
  /** ACK outside [SND.UNA − MAX.SND.WND, SND.NXT] (RFC 5961 §5) or not acknowledging our SYN. */
  UNACCEPTABLE_ACK,
  /** RFC 5961 §7 challenge-ACK rate limit reached. */
  CHALLENGE_ACK_LIMITED,
  /** Listener's accept queue full. */
  ACCEPT_QUEUE_FULL,
  /** SYN queue full and SYN cookies off. */
  SYN_QUEUE_FULL,
  /** An ACK to a listener that is not a valid SYN cookie. */
  BAD_COOKIE,
  /** Data arrived for a connection the application closed (answered with a RST). */
  DATA_AFTER_CLOSE,
  /** ICMP error quoting a sequence number we never sent (RFC 5927). */
  ICMP_OUT_OF_WINDOW,
  /** A RST for a connection in TIME_WAIT, ignored (RFC 1337). */
  RST_IN_TIME_WAIT,
  /**
   * Not a drop: a new SYN ended a TIME_WAIT connection of the same address pair early and went to
   * the listener (RFC 6191).
   */
  TIME_WAIT_REUSED
}

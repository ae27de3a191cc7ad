package io.zt4j.stack.socket.tcp;

/** Connection states (RFC 9293 §3.3.2). {@code LISTEN} belongs to {@link TcpListener}. */
public enum TcpState {
  CLOSED,
  LISTEN,
  SYN_SENT,
  SYN_RECEIVED,
  ESTABLISHED,
  FIN_WAIT_1,
  FIN_WAIT_2,
  CLOSE_WAIT,
  CLOSING,
  LAST_ACK,
  TIME_WAIT;

  /** True once the three-way handshake has completed (the RFC's "synchronized" states). */
  public boolean synchronizedState() {
    return ordinal() >= ESTABLISHED.ordinal();
  }

  /** States in which the application may still queue data to send. */
  public boolean canSend() {
    return this == ESTABLISHED || this == CLOSE_WAIT || this == SYN_SENT || this == SYN_RECEIVED;
  }

  /** States in which arriving data is accepted (RFC 9293 §3.10.7.4, seventh step). */
  public boolean receivesData() {
    return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
  }
}

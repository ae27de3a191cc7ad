package io.zt4j.stack.socket.tcp;

import io.zt4j.stack.socket.ReadinessQueue;
import io.zt4j.stack.socket.StackSocket;

/**
 * What a selector watches: a {@link TcpSocket} or a {@link TcpListener}. The layer signals an
 * endpoint on the stack's {@link ReadinessQueue} when a network event or timer changed its
 * {@link #readiness()} since the owner last looked; any call the owner makes on the endpoint
 * counts as looking. So the driver never scans all sockets.
 */
public abstract class TcpEndpoint extends StackSocket {
  int reportedReadiness;

  TcpEndpoint(ReadinessQueue queue) {
    super(queue);
  }

  /** Records that the owner has seen the current readiness (no queue entry for it). */
  final void observed() {
    reportedReadiness = readiness();
  }

  /** Signals the readiness queue if the bits changed since last reported. */
  final void noteReadiness() {
    int r = readiness();
    if (r != reportedReadiness) {
      reportedReadiness = r;
      signal();
    }
  }

  /** Records an asynchronous error for {@code takeError()} (the SO_ERROR pattern). */
  final void raise(io.zt4j.stack.socket.SocketError e) {
    setError(e);
  }
}

package io.zt4j.stack.socket.tcp;

/**
 * What a selector watches: a {@link TcpSocket} or a {@link TcpListener}. The layer queues an
 * endpoint in its ready queue ({@link Tcp#nextReady()}) when a network event or timer changed
 * its {@link #readiness()} since the owner last looked; any call the owner makes on the endpoint
 * counts as looking. So the driver never scans all sockets.
 */
public abstract class TcpEndpoint {
  int reportedReadiness;
  boolean inReadyQueue;
  /** Free for the owner (e.g. the runtime's Connection or selection key). */
  public Object attachment;

  /** Current {@link Readiness} bits. */
  public abstract int readiness();

  /** Records that the owner has seen the current readiness (no queue entry for it). */
  final void observed() {
    reportedReadiness = readiness();
  }
}

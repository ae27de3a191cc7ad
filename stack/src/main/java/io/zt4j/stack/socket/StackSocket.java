package io.zt4j.stack.socket;

/**
 * Base of every socket handle in a stack (UDP, ICMP echo, TCP). A socket belongs to one stack
 * and is used only on that stack's owner thread; nothing here is thread-safe.
 *
 * <p>Readiness: a socket calls {@link #signal()} whenever its {@link #readiness()} may have
 * changed; that puts it (once) on its stack's {@link ReadinessQueue}, which the driver drains
 * after each {@code receiveFrame}/{@code poll}. Drivers never scan sockets.
 *
 * <p>{@link #attach(Object)} lets the driver hang its own object (e.g. the runtime's connection)
 * on the socket, like {@code SelectionKey.attach}.
 */
public abstract class StackSocket {
  private final ReadinessQueue queue;
  private Object attachment;
  boolean queued;
  private SocketError pendingError;

  protected StackSocket(ReadinessQueue queue) {
    this.queue = queue;
  }

  /** Current {@link Readiness} bits. */
  public abstract int readiness();

  /** Releases the socket's resources; it becomes {@link Readiness#HANGUP}. Idempotent. */
  public abstract void close();

  public abstract boolean isClosed();

  public final Object attachment() {
    return attachment;
  }

  public final void attach(Object o) {
    attachment = o;
  }

  /** Takes (and clears) the pending asynchronous error, or null. */
  public final SocketError takeError() {
    SocketError e = pendingError;
    pendingError = null;
    if (e != null) {
      signal();
    }
    return e;
  }

  /** The pending error without clearing it, or null. */
  public final SocketError pendingError() {
    return pendingError;
  }

  /** Records an asynchronous error (the latest wins) and signals readiness. */
  protected final void setError(SocketError e) {
    pendingError = e;
    signal();
  }

  /** Base readiness contribution: {@link Readiness#ERROR} while an error is pending. */
  protected final int errorBits() {
    return pendingError != null ? Readiness.ERROR : 0;
  }

  /** Queues this socket for the driver (at most once until drained). */
  protected final void signal() {
    queue.offer(this);
  }
}

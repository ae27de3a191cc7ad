package io.zt4j.runtime.driver;

import io.zt4j.stack.socket.tcp.TcpListener;
import io.zt4j.stack.socket.tcp.TcpSocket;
import io.zt4j.stack.wire.IpAddress;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listening TCP socket as application threads see it: the loop moves established connections
 * from the stack's {@link TcpListener} into a queue of at most {@code backlog}
 * {@link TcpConnection}s, and {@link #accept} takes them, parking while none is there.
 */
public final class TcpAcceptor extends DriverSocket {
  private final int backlog;
  private final ConcurrentLinkedQueue<TcpConnection> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger readyCount = new AtomicInteger();
  private final ReentrantLock acceptLock = new ReentrantLock();
  private volatile boolean closed;
  private volatile boolean stalled;
  private volatile Thread acceptor;
  private volatile InetAddress localAddress;
  private volatile int localPort;

  // loop-only
  private TcpListener listener;

  TcpAcceptor(StackDriver driver, int backlog) {
    super(driver);
    this.backlog = backlog;
  }

  /** Loop thread: opens the stack listener, picking an ephemeral port for port 0. */
  void open(InetAddress local, int port) throws IOException {
    IpAddress a = local == null ? IpAddress.ANY_V6 : IpAddress.of(local);
    if (local != null && !local.isAnyLocalAddress() && !driver.stack().ip().isLocalAddress(a.hi(), a.lo())) {
      throw new BindException("Cannot assign requested address");
    }
    // a wildcard (0.0.0.0 or ::) listens on every address of both families, as the JDK's
    // dual-stack sockets do
    boolean any = local == null || local.isAnyLocalAddress();
    long hi = any ? 0 : a.hi();
    long lo = any ? 0 : a.lo();
    TcpListener l = null;
    if (port != 0) {
      l = driver.stack().tcp().listen(hi, lo, port, backlog);
    } else {
      var cfg = driver.stack().tcp().config();
      int range = cfg.ephemeralHigh - cfg.ephemeralLow + 1;
      int start = driver.stack().ip().random().nextInt(range);
      for (int i = 0; i < range && l == null; i++) {
        l = driver.stack().tcp().listen(hi, lo, cfg.ephemeralLow + (start + i) % range, backlog);
      }
    }
    if (l == null) {
      throw new BindException("Address already in use");
    }
    listener = l;
    l.attach(this);
    localAddress = local == null ? InetAddress.getByAddress(new byte[4]) : local;
    localPort = l.port();
  }

  @Override
  void service(long nowNanos) {
    TcpListener l = listener;
    if (l == null) {
      return;
    }
    if (closed) {
      l.attach(null);
      l.close(nowNanos);
      listener = null;
      forget();
      for (TcpConnection c; (c = ready.poll()) != null; ) {
        c.abort();
      }
      return;
    }
    boolean added = false;
    while (readyCount.get() < backlog) {
      TcpSocket s = l.accept();
      if (s == null) {
        break;
      }
      ready.add(TcpConnection.accepted(driver, s, nowNanos));
      readyCount.incrementAndGet();
      added = true;
    }
    if (added) {
      unpark(acceptor);
    }
    if (l.pending() > 0) {
      stalled = true;
      if (readyCount.get() < backlog) {
        schedule();
      }
    }
  }

  /**
   * Takes the next established connection, waiting up to {@code timeoutMillis} (0: forever).
   *
   * @throws SocketTimeoutException "Accept timed out"
   * @throws SocketException "Socket closed" when closed before or while waiting
   */
  public TcpConnection accept(int timeoutMillis) throws IOException {
    long deadline = deadline(timeoutMillis);
    acceptLock.lock();
    try {
      for (;;) {
        TcpConnection c = acceptNow();
        if (c != null) {
          return c;
        }
        acceptor = Thread.currentThread();
        try {
          if (ready.isEmpty() && !closed) {
            if (!park(this, deadline)) {
              throw new SocketTimeoutException("Accept timed out");
            }
            if (Thread.currentThread().isInterrupted()) {
              close();
              throw new SocketException("Closed by interrupt");
            }
          }
        } finally {
          acceptor = null;
        }
      }
    } finally {
      acceptLock.unlock();
    }
  }

  /**
   * Takes the next established connection without waiting.
   *
   * @return null when none is there
   * @throws SocketException "Socket closed"
   */
  public TcpConnection acceptNow() throws SocketException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    TcpConnection c = ready.poll();
    if (c != null) {
      readyCount.decrementAndGet();
      if (stalled) {
        stalled = false;
        schedule();
      }
    }
    return c;
  }

  /** Whether {@link #acceptNow} would return a connection or fail. */
  public boolean acceptable() {
    return closed || !ready.isEmpty();
  }

  @Override
  void closeForShutdown() {
    close();
  }

  /** Stops listening; connections not yet accepted are reset. */
  public void close() {
    if (!closed) {
      closed = true;
      unpark(acceptor);
      schedule();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  public InetAddress localAddress() {
    return localAddress;
  }

  public int localPort() {
    return localPort;
  }
}

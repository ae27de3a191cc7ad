package io.zt4j.runtime.driver;

import io.zt4j.stack.socket.tcp.TcpConfig;
import io.zt4j.stack.socket.tcp.TcpError;
import io.zt4j.stack.socket.tcp.TcpSocket;
import io.zt4j.stack.socket.tcp.TcpState;
import io.zt4j.stack.wire.IpAddress;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One TCP connection as application threads see it: a bounded rx buffer the loop fills from
 * the stack's {@link TcpSocket} and readers drain, a bounded tx buffer writers fill and the loop
 * drains into the socket, and blocking {@link #read}/{@link #write}/{@link #awaitConnected}
 * built from those non-blocking halves (try, park until the loop unparks, retry) — the shape of
 * the JDK's {@code NioSocketImpl}, and fine on virtual threads (only {@link ReentrantLock}s and
 * {@code LockSupport} parking, no monitors).
 *
 * <h2>Backpressure</h2>
 *
 * A writer parks while the tx buffer is full; the loop moves bytes into the socket's send buffer
 * as the peer's window allows and unparks it once half the buffer is free. When the reader is
 * slow the rx buffer fills, the loop stops draining the socket (marking the connection
 * rx-stalled), the socket's receive buffer fills and TCP's window closes; a reader that frees
 * half the rx buffer schedules the loop again. Nothing grows without bound.
 *
 * <h2>Threads</h2>
 *
 * Fields marked loop-only are touched by the {@link StackDriver}'s loop alone; state read by
 * both sides is volatile. One reader and one writer at a time (each serialized by its lock);
 * {@link #close} and the option setters may come from any thread.
 */
public final class TcpConnection extends DriverSocket {
  private static final int NEW = 0;
  private static final int CONNECTING = 1;
  private static final int CONNECTED = 2;
  private static final int FAILED = 3;
  private static final byte[] NOTHING = new byte[0];

  private final ByteQueue rx;
  private final ByteQueue tx;
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();

  private volatile int phase = NEW;
  private volatile TcpError error = TcpError.NONE;
  private volatile boolean eof;
  private volatile boolean rxStalled;
  private volatile boolean appClosed;
  private volatile boolean abortRequested;
  private volatile boolean inputShutdown;
  private volatile boolean outputShutdown;
  private volatile boolean released;
  private volatile Thread reader;
  private volatile Thread writer;
  private volatile Thread waiter;
  private boolean readEof; // reader-only

  private volatile InetAddress localAddress;
  private volatile int localPort;
  private volatile InetAddress remoteAddress;
  private volatile int remotePort;

  // options (applied on the loop; remembered for sockets not yet open)
  private volatile boolean noDelay;
  private volatile boolean keepAlive;
  private volatile int lingerSeconds = -1;
  private volatile int sendBufferBytes;
  private volatile int receiveBufferBytes;

  // loop-only
  private TcpSocket sock;
  private boolean finSent;
  private long now;
  private boolean sawEof;
  private int sendResult;
  private final ByteQueue.Source rxSource = this::fillFromSocket;
  private final ByteQueue.Sink txSink = this::takeIntoSocket;

  TcpConnection(StackDriver driver) {
    super(driver);
    this.rx = new ByteQueue(driver.options().tcpRxBytes());
    this.tx = new ByteQueue(driver.options().tcpTxBytes());
  }

  /** A connection the listener accepted (loop thread). */
  static TcpConnection accepted(StackDriver driver, TcpSocket s, long nowNanos) {
    TcpConnection c = new TcpConnection(driver);
    c.sock = s;
    s.attach(c);
    c.addresses(s);
    c.phase = CONNECTED;
    c.service(nowNanos);
    return c;
  }

  // ------------------------------------------------------------------ loop side

  void open(InetAddress local, int lport, InetAddress remote, int rport, long nowNanos) {
    if (abortRequested || appClosed) {
      phase = FAILED;
      unpark(waiter);
      return;
    }
    IpAddress dst = IpAddress.of(remote);
    TcpSocket s;
    if (local == null && lport == 0) {
      s = driver.stack().tcp().connect(dst.hi(), dst.lo(), rport, nowNanos);
    } else {
      IpAddress src = local == null || local.isAnyLocalAddress() ? null : IpAddress.of(local);
      if (src == null) {
        io.zt4j.stack.ip.RouteInfo r = new io.zt4j.stack.ip.RouteInfo();
        if (!driver.stack().ip().route(dst.hi(), dst.lo(), 0, r)) {
          fail(TcpError.UNREACHABLE);
          return;
        }
        src = r.src();
      } else if (!driver.stack().ip().isLocalAddress(src.hi(), src.lo())) {
        fail(TcpError.ADDRESS_IN_USE);
        return;
      }
      s = driver.stack().tcp().connect(src.hi(), src.lo(), lport, dst.hi(), dst.lo(), rport, nowNanos);
    }
    sock = s;
    s.attach(this);
    if (s.error() != TcpError.NONE) {
      sock = null;
      s.attach(null);
      fail(s.error());
      return;
    }
    addresses(s);
    applyOptions(nowNanos);
  }

  private void fail(TcpError e) {
    error = e;
    phase = FAILED;
    released = true;
    forget();
    unpark(waiter);
    readinessChanged();
  }

  @Override
  void closeForShutdown() {
    abort();
  }

  private void addresses(TcpSocket s) {
    localAddress = IpAddress.of(s.localAddressHi(), s.localAddressLo()).toInetAddress();
    localPort = s.localPort();
    remoteAddress = IpAddress.of(s.remoteAddressHi(), s.remoteAddressLo()).toInetAddress();
    remotePort = s.remotePort();
  }

  private void applyOptions(long nowNanos) {
    TcpSocket s = sock;
    if (s == null) {
      return;
    }
    s.noDelay(noDelay);
    TcpConfig cfg = driver.stack().tcp().config();
    if (keepAlive != s.keepAlive()) {
      s.keepAlive(keepAlive, cfg.keepAliveIdleNanos, cfg.keepAliveIntervalNanos, cfg.keepAliveProbes, nowNanos);
    }
    s.lingerNanos(lingerSeconds < 0 ? -1 : lingerSeconds * 1_000_000_000L);
    if (sendBufferBytes > 0) {
      s.sendBufferSize(sendBufferBytes);
    }
    if (receiveBufferBytes > 0) {
      s.receiveBufferSize(receiveBufferBytes);
    }
  }

  @Override
  void service(long nowNanos) {
    TcpSocket s = sock;
    if (s == null || released) {
      return;
    }
    now = nowNanos;
    if (abortRequested) {
      s.abort(nowNanos);
      release();
      return;
    }
    if (phase == CONNECTING || phase == NEW) {
      if (s.error() != TcpError.NONE) {
        release();
        fail(s.error());
        return;
      }
      if (!s.state().synchronizedState()) {
        return;
      }
      addresses(s);
      phase = CONNECTED;
      unpark(waiter);
    }
    pumpTx(s);
    if (!appClosed) {
      pumpRx(s);
    }
    if (outputShutdown && !finSent && tx.available() == 0) {
      finSent = true;
      s.shutdownOutput(nowNanos);
    }
    TcpError e = s.error();
    if (e != TcpError.NONE && error == TcpError.NONE) {
      error = e;
      tx.discard();
      wakeAll();
    }
    if (appClosed && (tx.available() == 0 || error != TcpError.NONE)) {
      if (rx.size() > 0 && error == TcpError.NONE) {
        s.abort(nowNanos); // unread data at close: RST, as a kernel does (RFC 2525 §2.17)
      } else {
        s.close(nowNanos);
      }
      release();
    }
  }

  private void release() {
    released = true;
    if (sock != null) {
      sock.attach(null);
    }
    forget();
    wakeAll();
  }

  private void wakeAll() {
    unpark(reader);
    unpark(writer);
    unpark(waiter);
  }

  private void pumpTx(TcpSocket s) {
    if (tx.available() == 0) {
      return;
    }
    sendResult = 0;
    int n = tx.drain(txSink);
    if (sendResult == TcpSocket.NOT_ALLOWED && error == TcpError.NONE) {
      error = TcpError.SHUT_DOWN;
      tx.discard();
      wakeAll();
      return;
    }
    if (n > 0) {
      Thread w = writer;
      if (w != null && tx.available() <= tx.capacity() / 2) {
        unpark(w);
      }
    }
  }

  private int takeIntoSocket(byte[] b, int off, int len) {
    int r = sock.send(b, off, len, now);
    if (r < 0) {
      sendResult = r;
      return 0;
    }
    return r;
  }

  private void pumpRx(TcpSocket s) {
    if (inputShutdown || eof) {
      return;
    }
    for (int round = 0; ; round++) {
      int n = rx.fill(rxSource, s.available());
      if (!sawEof && s.available() == 0 && s.receive(NOTHING, 0, 0, now) == TcpSocket.EOF) {
        sawEof = true; // a short read stops the fill before the FIN is seen
      }
      if (sawEof) {
        eof = true;
      }
      if (n > 0 || eof) {
        driver.wakeReader(reader);
      }
      if (eof || s.available() == 0) {
        return; // drained: the stack signals when more arrives
      }
      if (rx.free() > 0) {
        if (round < 16) {
          continue; // the reader made room meanwhile
        }
        schedule(); // keep going, but let other sockets have the loop first
        return;
      }
      // rx is full and the socket still holds data: its readiness will not change again, so the
      // reader schedules us once it has freed room (a Dekker pair with afterRead)
      rxStalled = true;
      if (rx.free() == 0) {
        return;
      }
      rxStalled = false;
    }
  }

  private int fillFromSocket(byte[] b, int off, int len) {
    int r = sock.receive(b, off, len, now);
    if (r == TcpSocket.EOF) {
      sawEof = true;
      return 0;
    }
    return Math.max(r, 0);
  }

  // ------------------------------------------------------------------ application side

  /**
   * Starts connecting from {@code local:localPort} (null/0: the route's source address and an
   * ephemeral port) to {@code remote:remotePort}; wait with {@link #awaitConnected}.
   */
  public void connect(InetAddress local, int localPort, InetAddress remote, int remotePort) {
    if (phase != NEW) {
      throw new IllegalStateException("already connecting");
    }
    phase = CONNECTING;
    try {
      driver.execute(() -> open(local, localPort, remote, remotePort, System.nanoTime()));
    } catch (SocketException e) {
      fail(TcpError.NOT_CONNECTED);
      appClosed = true;
    }
  }

  /**
   * Waits until the connection is established.
   *
   * @param timeoutMillis 0 for no limit
   * @throws java.net.ConnectException refused or timed out by TCP, {@link SocketTimeoutException}
   *     "Connect timed out" when {@code timeoutMillis} passed (the attempt is then aborted)
   */
  public void awaitConnected(long timeoutMillis) throws IOException {
    long deadline = deadline(timeoutMillis);
    for (;;) {
      int p = phase;
      if (p == CONNECTED) {
        return;
      }
      if (appClosed && p != FAILED) {
        throw new SocketException("Socket closed");
      }
      if (p == FAILED) {
        if (appClosed) {
          throw new SocketException("Socket closed");
        }
        throw Errors.connect(error);
      }
      waiter = Thread.currentThread();
      try {
        if (phase < CONNECTED) {
          if (!park(this, deadline)) {
            abort();
            throw new SocketTimeoutException("Connect timed out");
          }
          checkInterrupt();
        }
      } finally {
        waiter = null;
      }
    }
  }

  /**
   * Reads up to {@code len} bytes, blocking until at least one is there.
   *
   * @param timeoutMillis SO_TIMEOUT (0: wait forever)
   * @return bytes read, or -1 at end of stream
   */
  public int read(byte[] b, int off, int len, int timeoutMillis) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    long deadline = deadline(timeoutMillis);
    lock(readLock, deadline);
    try {
      if (readEof) {
        return -1;
      }
      for (;;) {
        if (appClosed) {
          throw new SocketException("Socket closed");
        }
        if (inputShutdown) {
          return -1;
        }
        boolean e = eof;
        TcpError err = error;
        int n = rx.read(b, off, len);
        if (n > 0) {
          afterRead();
          return n;
        }
        if (e) {
          readEof = true;
          return -1;
        }
        if (err != TcpError.NONE) {
          throw Errors.read(err);
        }
        reader = Thread.currentThread();
        try {
          if (rx.available() == 0 && !eof && error == TcpError.NONE && !appClosed && !inputShutdown) {
            if (!park(this, deadline)) {
              throw new SocketTimeoutException("Read timed out");
            }
            if (io.zt4j.runtime.LatencyProbe.ENABLED) {
              io.zt4j.runtime.LatencyProbe.readerAwake();
            }
            checkInterrupt();
          }
        } finally {
          reader = null;
        }
      }
    } finally {
      readLock.unlock();
    }
  }

  private void afterRead() {
    if (rxStalled && rx.size() <= rx.capacity() / 2) {
      rxStalled = false;
      schedule();
    }
  }

  /** Bytes that can be read without blocking. */
  public int available() throws IOException {
    if (appClosed) {
      throw new SocketException("Socket closed");
    }
    return inputShutdown ? 0 : rx.size();
  }

  /** Writes all of {@code b[off, off+len)}, blocking while the tx buffer is full. */
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (io.zt4j.runtime.LatencyProbe.ENABLED) {
      io.zt4j.runtime.LatencyProbe.write();
    }
    writeLock.lock();
    try {
      while (len > 0) {
        if (appClosed) {
          throw new SocketException("Socket closed");
        }
        if (outputShutdown) {
          throw new SocketException("Broken pipe");
        }
        TcpError err = error;
        if (err != TcpError.NONE) {
          throw Errors.write(err);
        }
        boolean wasIdle = tx.size() == 0;
        int n = tx.write(b, off, len);
        if (n > 0) {
          off += n;
          len -= n;
          if (wasIdle) {
            scheduleInline(); // nothing queued before: send now, on this thread if the loop sleeps
          } else {
            schedule(); // the loop is moving a backlog: it takes these bytes with it
          }
          continue;
        }
        writer = Thread.currentThread();
        try {
          if (tx.free() == 0 && error == TcpError.NONE && !appClosed && !released) {
            park(this, 0);
            checkInterrupt();
          }
        } finally {
          writer = null;
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  private static void lock(ReentrantLock lock, long deadline) throws IOException {
    if (deadline == 0) {
      lock.lock();
      return;
    }
    try {
      long wait = deadline - System.nanoTime();
      if (wait <= 0 || !lock.tryLock(wait, java.util.concurrent.TimeUnit.NANOSECONDS)) {
        throw new SocketTimeoutException("Read timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  private void checkInterrupt() throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      close();
      throw new SocketException("Closed by interrupt");
    }
  }

  /** SHUT_RD: reads return -1 from now on; data arriving later is discarded. */
  public void shutdownInput() {
    if (!inputShutdown) {
      inputShutdown = true;
      unpark(reader);
      driver.loop().execute(() -> {
        if (sock != null && !released) {
          sock.shutdownInput();
        }
      });
    }
  }

  /** SHUT_WR: a FIN follows the bytes already written. */
  public void shutdownOutput() {
    if (!outputShutdown) {
      outputShutdown = true;
      unpark(writer);
      scheduleInline();
    }
  }

  /**
   * Closes the application's side: blocked readers and writers get "Socket closed"; written data
   * is still sent, followed by a FIN (or a RST with SO_LINGER 0, or when unread data is left).
   */
  public void close() {
    if (appClosed) {
      return;
    }
    if (lingerSeconds == 0) {
      abortRequested = true;
    }
    appClosed = true;
    if (phase == NEW) {
      forget();
    }
    wakeAll();
    scheduleInline();
  }

  /** Resets the connection (RST) and closes it. */
  public void abort() {
    abortRequested = true;
    appClosed = true;
    wakeAll();
    scheduleInline();
  }

  public boolean isClosed() {
    return appClosed;
  }

  public boolean isConnected() {
    return phase == CONNECTED;
  }

  public boolean isInputShutdown() {
    return inputShutdown;
  }

  public boolean isOutputShutdown() {
    return outputShutdown;
  }

  /** The failure reported by the stack, or {@link TcpError#NONE}. */
  public TcpError error() {
    return error;
  }

  public InetAddress localAddress() {
    return localAddress;
  }

  public int localPort() {
    return localPort;
  }

  public InetAddress remoteAddress() {
    return remoteAddress;
  }

  public int remotePort() {
    return remotePort;
  }

  // ------------------------------------------------------------------ non-blocking (NIO channels)

  /**
   * Reads what is buffered without blocking.
   *
   * @return bytes read, 0 when none is there, -1 at end of stream (or after {@link #shutdownInput})
   * @throws SocketException "Socket closed", "Connection reset"… as {@link #read} throws them
   */
  public int readNow(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    readLock.lock();
    try {
      if (appClosed) {
        throw new SocketException("Socket closed");
      }
      if (readEof || inputShutdown) {
        return -1;
      }
      boolean e = eof;
      TcpError err = error;
      int n = rx.read(b, off, len);
      if (n > 0) {
        afterRead();
        return n;
      }
      if (e) {
        readEof = true;
        return -1;
      }
      if (err != TcpError.NONE) {
        throw Errors.read(err);
      }
      return 0;
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Queues as much of {@code b[off, off+len)} as the tx buffer takes, without blocking.
   *
   * @return bytes taken (0 when the buffer is full)
   */
  public int writeNow(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    writeLock.lock();
    try {
      if (appClosed) {
        throw new SocketException("Socket closed");
      }
      if (outputShutdown) {
        throw new SocketException("Broken pipe");
      }
      TcpError err = error;
      if (err != TcpError.NONE) {
        throw Errors.write(err);
      }
      int n = tx.write(b, off, len);
      if (n > 0) {
        schedule();
      }
      return n;
    } finally {
      writeLock.unlock();
    }
  }

  /** Whether {@link #readNow} would return something other than 0 (data, end, error, closed). */
  public boolean readable() {
    return rx.size() > 0 || eof || error != TcpError.NONE || inputShutdown || appClosed;
  }

  /** Whether {@link #writeNow} would take bytes or fail rather than return 0. */
  public boolean writable() {
    return tx.capacity() - tx.size() > 0 || error != TcpError.NONE || outputShutdown || appClosed;
  }

  /** Whether the connection attempt ended: established, or failed ({@link #awaitConnected} throws). */
  public boolean connectDone() {
    return phase >= CONNECTED;
  }

  // ------------------------------------------------------------------ options

  public void noDelay(boolean on) {
    noDelay = on;
    applyLater();
  }

  public boolean noDelay() {
    return noDelay;
  }

  public void keepAlive(boolean on) {
    keepAlive = on;
    applyLater();
  }

  public boolean keepAlive() {
    return keepAlive;
  }

  /** SO_LINGER in seconds, -1 off. */
  public void lingerSeconds(int s) {
    lingerSeconds = s;
    applyLater();
  }

  public int lingerSeconds() {
    return lingerSeconds;
  }

  public void sendBufferBytes(int n) {
    sendBufferBytes = n;
    applyLater();
  }

  public int sendBufferBytes() {
    int n = sendBufferBytes;
    return n > 0 ? n : driver.stack().tcp().config().sendBufferBytes;
  }

  public void receiveBufferBytes(int n) {
    receiveBufferBytes = n;
    applyLater();
  }

  public int receiveBufferBytes() {
    int n = receiveBufferBytes;
    return n > 0 ? n : driver.stack().tcp().config().receiveBufferBytes;
  }

  private void applyLater() {
    if (phase != NEW) {
      driver.loop().execute(() -> {
        if (!released) {
          applyOptions(System.nanoTime());
        }
      });
    }
  }

  @Override
  public String toString() {
    return "TcpConnection[" + localAddress + ":" + localPort + " -> " + remoteAddress + ":" + remotePort + "]";
  }
}

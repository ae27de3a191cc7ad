package io.zt4j.runtime.driver;

import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.udp.UdpMeta;
import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One UDP socket as application threads see it. Received datagrams move from the stack's
 * {@link UdpSocket} into a bounded queue the application takes from; datagrams to send are
 * copied into a bounded queue the loop sends from (a sender parks while it is full). UDP stays
 * UDP: when the application does not keep up, the stack socket's own receive buffer overflows
 * and drops, exactly like a kernel socket; nothing is retransmitted or reordered here.
 */
public final class UdpConnection extends DriverSocket {
  /** A received datagram. */
  public record Datagram(byte[] data, InetAddress address, int port) {}

  private record Outgoing(byte[] data, IpAddress dst, int port) {}

  private final ConcurrentLinkedQueue<Datagram> rxQueue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger rxBytes = new AtomicInteger();
  private final ConcurrentLinkedQueue<Outgoing> txQueue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger txBytes = new AtomicInteger();
  private final ReentrantLock receiveLock = new ReentrantLock();
  private final ReentrantLock sendLock = new ReentrantLock();
  private final int rxLimit;
  private final int txLimit;
  private volatile boolean closed;
  private volatile boolean stalled;
  private volatile SocketError asyncError;
  private volatile Thread receiver;
  private volatile Thread sender;
  private volatile InetAddress localAddress;
  private volatile int localPort;
  private volatile InetAddress connectedAddress;
  private volatile int connectedPort;
  private volatile long sendErrors;

  // loop-only
  private UdpSocket sock;
  private final UdpMeta meta = new UdpMeta();
  private byte[] scratch;

  UdpConnection(StackDriver driver) {
    super(driver);
    this.rxLimit = driver.options().udpRxBytes();
    this.txLimit = driver.options().udpTxBytes();
  }

  void open(InetAddress local, int port, boolean reuse) throws IOException {
    UdpSocket s = driver.stack().udp().open();
    s.reuseAddress(reuse);
    s.broadcast(true);
    IpAddress a = local == null || local.isAnyLocalAddress() ? IpAddress.ANY_V6 : IpAddress.of(local);
    int r = s.bind(a, port);
    if (r < 0) {
      s.close();
      throw Errors.socket(r);
    }
    sock = s;
    s.attach(this);
    localAddress = local == null ? InetAddress.getByAddress(new byte[4]) : local;
    localPort = s.localPort();
  }

  @Override
  void service(long nowNanos) {
    UdpSocket s = sock;
    if (s == null) {
      return;
    }
    if (closed) {
      s.close();
      sock = null;
      forget();
      return;
    }
    for (Outgoing o; (o = txQueue.poll()) != null; ) {
      int r = s.send(o.data, 0, o.data.length, o.dst, o.port, nowNanos);
      if (r < 0) {
        sendErrors++;
      }
      txBytes.addAndGet(-o.data.length);
    }
    unpark(sender);
    SocketError e = s.pendingError();
    if (e != null) {
      s.takeError();
      if (connectedAddress != null) {
        asyncError = e;
        unpark(receiver);
      }
    }
    boolean got = false;
    while (rxBytes.get() < rxLimit) {
      int len = s.nextDatagramLength();
      if (len < 0) {
        break;
      }
      if (scratch == null || scratch.length < len) {
        scratch = new byte[Math.max(len, 2048)];
      }
      int n = s.receive(scratch, 0, len, meta);
      if (n < 0) {
        break;
      }
      byte[] copy = java.util.Arrays.copyOf(scratch, n);
      rxQueue.add(new Datagram(copy, meta.source().toInetAddress(), meta.srcPort()));
      rxBytes.addAndGet(Math.max(n, 1));
      got = true;
    }
    if (got) {
      unpark(receiver);
    }
    if (s.queuedDatagrams() > 0) {
      stalled = true;
      if (rxBytes.get() < rxLimit) {
        schedule();
      }
    }
  }

  /**
   * Takes the next datagram, waiting up to {@code timeoutMillis} (0: forever).
   *
   * @throws SocketTimeoutException "Receive timed out"
   * @throws java.net.PortUnreachableException on a connected socket whose peer answered ICMP
   *     port unreachable
   */
  public Datagram receive(int timeoutMillis) throws IOException {
    long deadline = deadline(timeoutMillis);
    receiveLock.lock();
    try {
      for (;;) {
        Datagram d = receiveNow();
        if (d != null) {
          return d;
        }
        receiver = Thread.currentThread();
        try {
          if (rxQueue.isEmpty() && !closed && asyncError == null) {
            if (!park(this, deadline)) {
              throw new SocketTimeoutException("Receive timed out");
            }
            if (Thread.currentThread().isInterrupted()) {
              close();
              throw new SocketException("Closed by interrupt");
            }
          }
        } finally {
          receiver = null;
        }
      }
    } finally {
      receiveLock.unlock();
    }
  }

  /**
   * Takes the next datagram without waiting.
   *
   * @return null when none is there
   * @throws java.net.PortUnreachableException as {@link #receive} throws it
   */
  public Datagram receiveNow() throws IOException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    SocketError e = asyncError;
    if (e != null) {
      asyncError = null;
      throw Errors.socket(e.code());
    }
    Datagram d = rxQueue.poll();
    if (d != null) {
      rxBytes.addAndGet(-Math.max(d.data.length, 1));
      if (stalled) {
        stalled = false;
        schedule();
      }
    }
    return d;
  }

  /** Queues one datagram (copied) for {@code address:port}; parks while the send queue is full. */
  public void send(byte[] b, int off, int len, InetAddress address, int port) throws IOException {
    sendLock.lock();
    try {
      for (;;) {
        if (sendNow(b, off, len, address, port)) {
          return;
        }
        sender = Thread.currentThread();
        try {
          if (txBytes.get() >= txLimit && !closed) {
            park(this, 0);
          }
        } finally {
          sender = null;
        }
      }
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * Queues one datagram (copied) for {@code address:port} if the send queue has room.
   *
   * @return false when the send queue is full (nothing queued)
   */
  public boolean sendNow(byte[] b, int off, int len, InetAddress address, int port) throws IOException {
    if (len > 65507) {
      throw new SocketException("Message too long");
    }
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (txBytes.get() >= txLimit) {
      return false;
    }
    IpAddress dst = IpAddress.of(address);
    txBytes.addAndGet(len);
    txQueue.add(new Outgoing(java.util.Arrays.copyOfRange(b, off, off + len), dst, port));
    scheduleInline(); // sent on this thread when the loop sleeps
    return true;
  }

  /** Whether {@link #receiveNow} would return a datagram or fail. */
  public boolean readable() {
    return closed || asyncError != null || !rxQueue.isEmpty();
  }

  /** Whether {@link #sendNow} would queue a datagram or fail. */
  public boolean writable() {
    return closed || txBytes.get() < txLimit;
  }

  /** Fixes the peer: only its datagrams are received, and its ICMP errors are reported. */
  public void connect(InetAddress address, int port) throws IOException {
    IpAddress a = IpAddress.of(address);
    int r = driver.onLoop(() -> sock == null ? SocketError.CLOSED.code() : sock.connect(a, port));
    if (r < 0) {
      throw Errors.socket(r);
    }
    connectedAddress = address;
    connectedPort = port;
  }

  public void disconnect() {
    connectedAddress = null;
    connectedPort = 0;
    driver.loop().execute(() -> {
      if (sock != null) {
        sock.disconnect();
      }
    });
  }

  /** Joins multicast {@code group} (on the interface routing picks when {@code ifIndex} is 0). */
  public void joinGroup(InetAddress group, int ifIndex) throws IOException {
    IpAddress g = IpAddress.of(group);
    int r = driver.onLoop(() -> sock == null ? SocketError.CLOSED.code() : sock.joinGroup(g, ifIndex));
    if (r < 0) {
      throw Errors.socket(r);
    }
  }

  public void leaveGroup(InetAddress group, int ifIndex) throws IOException {
    IpAddress g = IpAddress.of(group);
    int r = driver.onLoop(() -> sock == null ? SocketError.CLOSED.code() : sock.leaveGroup(g, ifIndex));
    if (r < 0) {
      throw Errors.socket(r);
    }
  }

  /** Sets the multicast hop limit (IP_MULTICAST_TTL). */
  public void multicastHopLimit(int ttl) {
    driver.loop().execute(() -> {
      if (sock != null) {
        sock.multicastHopLimit(ttl);
      }
    });
  }

  /** SO_RCVBUF of the stack socket. */
  public void receiveBufferBytes(int bytes) {
    driver.loop().execute(() -> {
      if (sock != null) {
        sock.receiveBufferBytes(Math.max(bytes, 1024));
      }
    });
  }

  public void trafficClass(int tc) {
    driver.loop().execute(() -> {
      if (sock != null) {
        sock.trafficClass(tc);
      }
    });
  }

  /** Bytes queued for the application. */
  public int available() {
    Datagram d = rxQueue.peek();
    return d == null ? 0 : d.data.length;
  }

  @Override
  void closeForShutdown() {
    close();
  }

  public void close() {
    if (!closed) {
      closed = true;
      unpark(receiver);
      unpark(sender);
      scheduleInline();
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

  public InetAddress connectedAddress() {
    return connectedAddress;
  }

  public int connectedPort() {
    return connectedPort;
  }

  /** Datagrams the stack refused to send (no route, too big…): they are lost, as with UDP. */
  public long sendErrors() {
    return sendErrors;
  }
}

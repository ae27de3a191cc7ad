package io.zt4j.stack.socket.udp;

import io.zt4j.stack.socket.Readiness;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.StackSocket;
import io.zt4j.stack.wire.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A UDP socket (RFC 768) in a stack: bind (specific address, wildcard, port 0 for an ephemeral
 * port), optional connect, send and receive with addresses, broadcast and multicast. Created by
 * {@link UdpLayer#open()}; used only on the stack's owner thread.
 *
 * <p>Sending is synchronous: {@link #send} copies the data into the stack's transmit buffer and
 * the frame leaves (or waits for ARP/NDP) before it returns, so the socket is always
 * {@link Readiness#WRITABLE}. Received datagrams queue in a bounded buffer
 * ({@link #receiveBufferBytes}); when it is full new datagrams are dropped and counted
 * ({@link #drops()}).
 *
 * <p>A wildcard bind with {@code null} or {@code ::} accepts IPv4 and IPv6; {@code 0.0.0.0}
 * accepts IPv4 only. ICMP errors (port unreachable…) are reported to connected sockets only, as
 * {@link SocketError}s through {@link #takeError()}, like Linux without {@code IP_RECVERR}.
 */
public final class UdpSocket extends StackSocket {
  /** Linux's default rmem (net.core.rmem_default). */
  public static final int DEFAULT_RECEIVE_BUFFER = 212_992;
  static final int MAX_QUEUED_DATAGRAMS = 4096;

  final UdpLayer layer;
  /** Local address halves; (0, 0) = dual-stack wildcard, ANY_V4 = IPv4 wildcard. */
  long localHi;
  long localLo;
  int localPort;
  boolean bound;
  boolean connected;
  long remoteHi;
  long remoteLo;
  int remotePort;
  UdpSocket nextOnPort;
  private boolean closed;
  private boolean broadcast;
  boolean reuseAddress;
  int multicastInterface;
  int multicastHopLimit = 1;
  int hopLimit = -1;
  int trafficClass;
  private int receiveBufferBytes = DEFAULT_RECEIVE_BUFFER;
  private DatagramQueue queue;
  private long drops;
  private final List<long[]> groups = new ArrayList<>();

  UdpSocket(UdpLayer layer) {
    super(layer.ip().readinessQueue());
    this.layer = layer;
  }

  /**
   * Binds to {@code local} ({@code null} or {@code ::} for the dual-stack wildcard, {@code 0.0.0.0}
   * for IPv4 only, or one of the stack's addresses, or a multicast group) and {@code port}
   * (0 picks an ephemeral port).
   *
   * @return 0, or {@code ADDRESS_IN_USE}, {@code ADDRESS_NOT_AVAILABLE}, {@code NO_PORTS},
   *     {@code INVALID_ARGUMENT} (already bound), {@code CLOSED} as a negative code
   */
  public int bind(IpAddress local, int port) {
    if (closed) {
      return SocketError.CLOSED.code();
    }
    if (bound) {
      return SocketError.INVALID_ARGUMENT.code();
    }
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port " + port);
    }
    return layer.bind(this, local == null ? IpAddress.ANY_V6 : local, port);
  }

  /**
   * Fixes the remote address: {@link #send} may pass null, only datagrams from it are received,
   * and ICMP errors about it are reported. Binds to an ephemeral port first if needed.
   */
  public int connect(IpAddress remote, int port) {
    if (closed) {
      return SocketError.CLOSED.code();
    }
    if (port <= 0 || port > 0xFFFF || remote.isUnspecified()) {
      return SocketError.INVALID_ARGUMENT.code();
    }
    if (!bound) {
      int r = layer.bind(this, IpAddress.ANY_V6, 0);
      if (r < 0) {
        return r;
      }
    }
    connected = true;
    remoteHi = remote.hi();
    remoteLo = remote.lo();
    remotePort = port;
    return 0;
  }

  public void disconnect() {
    connected = false;
  }

  /**
   * Sends one datagram of {@code buf[off, off+len)} to {@code dst:port} (both null/0 when
   * connected). Binds to an ephemeral port first if needed.
   *
   * @return {@code len}, or a negative {@link SocketError} code: {@code NO_ROUTE},
   *     {@code MESSAGE_TOO_BIG}, {@code BROADCAST_NOT_ALLOWED}, {@code NOT_CONNECTED}…
   */
  public int send(byte[] buf, int off, int len, IpAddress dst, int port, long nowNanos) {
    if (closed) {
      return SocketError.CLOSED.code();
    }
    long dh;
    long dl;
    int dp;
    if (dst == null) {
      if (!connected) {
        return SocketError.NOT_CONNECTED.code();
      }
      dh = remoteHi;
      dl = remoteLo;
      dp = remotePort;
    } else {
      dh = dst.hi();
      dl = dst.lo();
      dp = port;
    }
    return layer.send(this, buf, off, len, dh, dl, dp, nowNanos);
  }

  /**
   * Takes the next datagram: copies up to {@code len} bytes (the rest of a longer datagram is
   * discarded, as with {@code recvfrom}) and fills {@code meta} when non-null.
   *
   * @return bytes copied, or {@link SocketError#WOULD_BLOCK} / {@link SocketError#CLOSED} codes
   */
  public int receive(byte[] dst, int off, int len, UdpMeta meta) {
    if (queue == null || queue.isEmpty()) {
      return closed ? SocketError.CLOSED.code() : SocketError.WOULD_BLOCK.code();
    }
    return queue.poll(dst, off, len, meta);
  }

  /** Length of the next queued datagram, or -1. */
  public int nextDatagramLength() {
    return queue == null ? -1 : queue.peekLength();
  }

  public int queuedDatagrams() {
    return queue == null ? 0 : queue.size();
  }

  @Override
  public int readiness() {
    if (closed) {
      return Readiness.HANGUP;
    }
    int r = Readiness.WRITABLE | errorBits();
    if (queue != null && !queue.isEmpty()) {
      r |= Readiness.READABLE;
    }
    return r;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    for (long[] g : groups) {
      layer.ip().leaveGroup(IpAddress.of(g[0], g[1]), (int) g[2]);
    }
    groups.clear();
    layer.unbind(this);
    closed = true;
    queue = null;
    signal();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /** Joins a multicast group on an interface (0: routing picks); returns 0 or a negative code. */
  public int joinGroup(IpAddress group, int interfaceIndex) {
    if (closed) {
      return SocketError.CLOSED.code();
    }
    if (!group.isMulticast()) {
      return SocketError.INVALID_ARGUMENT.code();
    }
    if (!layer.ip().joinGroup(group, interfaceIndex)) {
      return SocketError.ADDRESS_NOT_AVAILABLE.code();
    }
    groups.add(new long[] {group.hi(), group.lo(), interfaceIndex});
    return 0;
  }

  public int leaveGroup(IpAddress group, int interfaceIndex) {
    for (int i = 0; i < groups.size(); i++) {
      long[] g = groups.get(i);
      if (g[0] == group.hi() && g[1] == group.lo() && g[2] == interfaceIndex) {
        groups.remove(i);
        layer.ip().leaveGroup(group, interfaceIndex);
        return 0;
      }
    }
    return SocketError.ADDRESS_NOT_AVAILABLE.code();
  }

  /** {@code SO_BROADCAST}: allow sending to broadcast addresses. */
  public void broadcast(boolean on) {
    broadcast = on;
  }

  public boolean broadcast() {
    return broadcast;
  }

  /** {@code SO_REUSEADDR}: share the port with other sockets that also set it (before bind). */
  public void reuseAddress(boolean on) {
    reuseAddress = on;
  }

  /** {@code IP_MULTICAST_IF}: interface index for multicast sends (0: routing picks). */
  public void multicastInterface(int index) {
    multicastInterface = index;
  }

  /** {@code IP_MULTICAST_TTL}: hop limit of multicast datagrams (default 1). */
  public void multicastHopLimit(int h) {
    multicastHopLimit = h;
  }

  /** {@code IP_TTL}: unicast hop limit, -1 for the default (64). */
  public void hopLimit(int h) {
    hopLimit = h;
  }

  /** {@code IP_TOS} / traffic class. */
  public void trafficClass(int tc) {
    trafficClass = tc & 0xFF;
  }

  /** {@code SO_RCVBUF}: bytes of queued datagrams (takes effect for an empty queue). */
  public void receiveBufferBytes(int bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("receive buffer too small: " + bytes);
    }
    receiveBufferBytes = bytes;
    if (queue != null && queue.isEmpty()) {
      queue = null;
    }
  }

  public int receiveBufferBytes() {
    return receiveBufferBytes;
  }

  /** Datagrams dropped because the receive buffer was full. */
  public long drops() {
    return drops;
  }

  public IpAddress localAddress() {
    return IpAddress.of(localHi, localLo);
  }

  public int localPort() {
    return localPort;
  }

  public IpAddress remoteAddress() {
    return connected ? IpAddress.of(remoteHi, remoteLo) : null;
  }

  public int remotePort() {
    return connected ? remotePort : 0;
  }

  boolean enqueue(byte[] buf, int off, int len, long sHi, long sLo, int sPort, long dHi, long dLo, int ifc) {
    if (queue == null) {
      queue = new DatagramQueue(receiveBufferBytes, MAX_QUEUED_DATAGRAMS);
    }
    if (!queue.offer(buf, off, len, sHi, sLo, sPort, dHi, dLo, ifc)) {
      drops++;
      return false;
    }
    signal();
    return true;
  }

  void error(SocketError e) {
    setError(e);
  }

  @Override
  public String toString() {
    return "UdpSocket[" + localAddress() + ":" + localPort + (connected ? " > " + remoteAddress() + ":" + remotePort : "")
        + (closed ? " closed" : "") + "]";
  }
}

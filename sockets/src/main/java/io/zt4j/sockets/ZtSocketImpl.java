package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.runtime.driver.TcpConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * The {@link SocketImpl} behind {@link ZeroTierSocket}: a client (or accepted) TCP connection on
 * the virtual network's user-space stack, through a {@link TcpConnection}. Options set before
 * the connection exists are remembered and applied when it is opened.
 */
final class ZtSocketImpl extends SocketImpl {
  private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.TCP_NODELAY,
      StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_SNDBUF,
      StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.IP_TOS);

  final StackDriver driver;
  private volatile TcpConnection conn;
  private volatile boolean closed;
  private InetAddress bindAddress;
  private int bindPort;
  private volatile int timeoutMillis;
  private boolean noDelay;
  private boolean keepAlive;
  private int lingerSeconds = -1;
  private int sendBuffer;
  private int receiveBuffer;
  private boolean reuseAddress;
  private int trafficClass;
  private InputStream in;
  private OutputStream out;

  ZtSocketImpl(StackDriver driver) {
    this.driver = driver;
  }

  /** Called by the server impl with an accepted connection. */
  void accepted(TcpConnection c) {
    conn = c;
    address = c.remoteAddress();
    port = c.remotePort();
    localport = c.localPort();
  }

  TcpConnection connection() {
    return conn;
  }

  @Override
  protected void create(boolean stream) throws IOException {
    if (!stream) {
      throw new SocketException("datagram sockets are ZeroTierDatagramSocket");
    }
  }

  @Override
  protected void connect(String host, int port) throws IOException {
    connect(new InetSocketAddress(host, port), 0);
  }

  @Override
  protected void connect(InetAddress address, int port) throws IOException {
    connect(new InetSocketAddress(address, port), 0);
  }

  @Override
  protected void connect(SocketAddress remote, int timeout) throws IOException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (conn != null) {
      throw new SocketException("Already connected");
    }
    if (!(remote instanceof InetSocketAddress isa)) {
      throw new IllegalArgumentException("Unsupported address type");
    }
    if (isa.isUnresolved()) {
      throw new UnknownHostException(isa.getHostName());
    }
    InetAddress dst = isa.getAddress();
    if (dst.isAnyLocalAddress()) {
      dst = InetAddress.getLoopbackAddress();
    }
    TcpConnection c = driver.newTcp();
    c.noDelay(noDelay);
    c.keepAlive(keepAlive);
    c.lingerSeconds(lingerSeconds);
    if (sendBuffer > 0) {
      c.sendBufferBytes(sendBuffer);
    }
    if (receiveBuffer > 0) {
      c.receiveBufferBytes(receiveBuffer);
    }
    conn = c;
    c.connect(bindAddress, bindPort, dst, isa.getPort());
    try {
      c.awaitConnected(timeout);
    } catch (IOException e) {
      c.close();
      throw e;
    }
    address = dst;
    port = isa.getPort();
    localport = c.localPort();
  }

  @Override
  protected void bind(InetAddress host, int port) throws IOException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (bindAddress != null || bindPort != 0) {
      throw new SocketException("Already bound");
    }
    bindAddress = host;
    bindPort = port;
    localport = port;
  }

  @Override
  protected void listen(int backlog) throws IOException {
    throw new SocketException("listen on a client socket");
  }

  @Override
  protected void accept(SocketImpl s) throws IOException {
    throw new SocketException("accept on a client socket");
  }

  private TcpConnection connected() throws SocketException {
    TcpConnection c = conn;
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (c == null || !c.isConnected()) {
      throw new SocketException("Not connected");
    }
    return c;
  }

  @Override
  protected synchronized InputStream getInputStream() throws IOException {
    TcpConnection c = connected();
    if (in == null) {
      in = new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return c.read(b, off, len, timeoutMillis);
        }

        @Override
        public int available() throws IOException {
          return c.available();
        }

        @Override
        public void close() throws IOException {
          ZtSocketImpl.this.close();
        }
      };
    }
    return in;
  }

  @Override
  protected synchronized OutputStream getOutputStream() throws IOException {
    TcpConnection c = connected();
    if (out == null) {
      out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          c.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
          ZtSocketImpl.this.close();
        }
      };
    }
    return out;
  }

  @Override
  protected int available() throws IOException {
    return connected().available();
  }

  @Override
  protected void close() throws IOException {
    if (!closed) {
      closed = true;
      TcpConnection c = conn;
      if (c != null) {
        c.close();
      }
    }
  }

  @Override
  protected void shutdownInput() throws IOException {
    connected().shutdownInput();
  }

  @Override
  protected void shutdownOutput() throws IOException {
    connected().shutdownOutput();
  }

  @Override
  protected boolean supportsUrgentData() {
    return false;
  }

  @Override
  protected void sendUrgentData(int data) throws IOException {
    throw new SocketException("Urgent data not supported");
  }

  // ------------------------------------------------------------------ options

  @Override
  public void setOption(int optID, Object value) throws SocketException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    TcpConnection c = conn;
    switch (optID) {
      case SO_TIMEOUT -> {
        int t = (Integer) value;
        if (t < 0) {
          throw new IllegalArgumentException("timeout < 0");
        }
        timeoutMillis = t;
      }
      case TCP_NODELAY -> {
        noDelay = (Boolean) value;
        if (c != null) {
          c.noDelay(noDelay);
        }
      }
      case SO_KEEPALIVE -> {
        keepAlive = (Boolean) value;
        if (c != null) {
          c.keepAlive(keepAlive);
        }
      }
      case SO_LINGER -> {
        lingerSeconds = value instanceof Integer i ? Math.min(i, 65535) : -1;
        if (c != null) {
          c.lingerSeconds(lingerSeconds);
        }
      }
      case SO_SNDBUF -> {
        int n = (Integer) value;
        if (n <= 0) {
          throw new SocketException("SO_SNDBUF <= 0");
        }
        sendBuffer = n;
        if (c != null) {
          c.sendBufferBytes(n);
        }
      }
      case SO_RCVBUF -> {
        int n = (Integer) value;
        if (n <= 0) {
          throw new SocketException("SO_RCVBUF <= 0");
        }
        receiveBuffer = n;
        if (c != null) {
          c.receiveBufferBytes(n);
        }
      }
      case SO_REUSEADDR -> reuseAddress = (Boolean) value;
      case IP_TOS -> trafficClass = (Integer) value & 0xFF;
      case SO_OOBINLINE -> {
        if ((Boolean) value) {
          throw new SocketException("SO_OOBINLINE not supported");
        }
      }
      default -> throw new SocketException("Unknown option " + optID);
    }
  }

  @Override
  public Object getOption(int optID) throws SocketException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    TcpConnection c = conn;
    return switch (optID) {
      case SO_TIMEOUT -> timeoutMillis;
      case TCP_NODELAY -> noDelay;
      case SO_KEEPALIVE -> keepAlive;
      case SO_LINGER -> lingerSeconds < 0 ? Boolean.FALSE : (Object) lingerSeconds;
      case SO_SNDBUF -> c != null ? c.sendBufferBytes() : sendBuffer > 0 ? sendBuffer : defaultSend();
      case SO_RCVBUF -> c != null ? c.receiveBufferBytes() : receiveBuffer > 0 ? receiveBuffer : defaultReceive();
      case SO_REUSEADDR -> reuseAddress;
      case IP_TOS -> trafficClass;
      case SO_OOBINLINE -> false;
      case SO_BINDADDR -> localAddress();
      default -> throw new SocketException("Unknown option " + optID);
    };
  }

  private int defaultSend() {
    return driver.options().tcpTxBytes();
  }

  private int defaultReceive() {
    return driver.options().tcpRxBytes();
  }

  private InetAddress localAddress() {
    TcpConnection c = conn;
    if (c != null && c.localAddress() != null) {
      return c.localAddress();
    }
    if (bindAddress != null) {
      return bindAddress;
    }
    try {
      return InetAddress.getByAddress(new byte[4]);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected Set<SocketOption<?>> supportedOptions() {
    return OPTIONS;
  }

  @Override
  protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
    setOption(SocketOptionIds.of(name), value);
  }

  @SuppressWarnings("unchecked")
  @Override
  protected <T> T getOption(SocketOption<T> name) throws IOException {
    Object v = getOption(SocketOptionIds.of(name));
    if (name == StandardSocketOptions.SO_LINGER) {
      v = v instanceof Integer ? v : Integer.valueOf(-1);
    }
    return (T) v;
  }

  @Override
  public String toString() {
    return "ZtSocketImpl[" + conn + "]";
  }
}

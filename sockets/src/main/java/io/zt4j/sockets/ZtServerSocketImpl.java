package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.runtime.driver.TcpAcceptor;
import io.zt4j.runtime.driver.TcpConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Set;

/**
 * The {@link SocketImpl} behind {@link ZeroTierServerSocket}: a listener on the virtual network's
 * stack ({@link TcpAcceptor}). {@code bind} records the address; {@code listen} opens the
 * listener with the backlog, as {@link java.net.ServerSocket#bind} calls them in that order.
 */
final class ZtServerSocketImpl extends SocketImpl {
  private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
      StandardSocketOptions.SO_REUSEADDR);

  private final StackDriver driver;
  private volatile TcpAcceptor acceptor;
  private volatile boolean closed;
  private InetAddress bindAddress;
  private int bindPort;
  private boolean bound;
  private volatile int timeoutMillis;
  private boolean reuseAddress = true;
  private int receiveBuffer;

  ZtServerSocketImpl(StackDriver driver) {
    this.driver = driver;
  }

  StackDriver driver() {
    return driver;
  }

  @Override
  protected void create(boolean stream) {}

  @Override
  protected void bind(InetAddress host, int port) throws IOException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (bound) {
      throw new SocketException("Already bound");
    }
    bindAddress = host;
    bindPort = port;
    bound = true;
    address = host;
  }

  @Override
  protected void listen(int backlog) throws IOException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (!bound) {
      throw new SocketException("Not bound");
    }
    TcpAcceptor a = driver.listen(bindAddress, bindPort, backlog < 1 ? 50 : backlog);
    acceptor = a;
    localport = a.localPort();
  }

  @Override
  protected void accept(SocketImpl s) throws IOException {
    TcpAcceptor a = acceptor;
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (a == null) {
      throw new SocketException("Not listening");
    }
    TcpConnection c = a.accept(timeoutMillis);
    ((ZtSocketImpl) s).accepted(c);
  }

  @Override
  protected void connect(String host, int port) throws IOException {
    throw new SocketException("connect on a server socket");
  }

  @Override
  protected void connect(InetAddress address, int port) throws IOException {
    throw new SocketException("connect on a server socket");
  }

  @Override
  protected void connect(SocketAddress address, int timeout) throws IOException {
    throw new SocketException("connect on a server socket");
  }

  @Override
  protected InputStream getInputStream() throws IOException {
    throw new SocketException("not a connected socket");
  }

  @Override
  protected OutputStream getOutputStream() throws IOException {
    throw new SocketException("not a connected socket");
  }

  @Override
  protected int available() {
    return 0;
  }

  @Override
  protected void close() {
    if (!closed) {
      closed = true;
      TcpAcceptor a = acceptor;
      if (a != null) {
        a.close();
      }
    }
  }

  @Override
  protected void sendUrgentData(int data) throws IOException {
    throw new SocketException("Urgent data not supported");
  }

  @Override
  public void setOption(int optID, Object value) throws SocketException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    switch (optID) {
      case SO_TIMEOUT -> timeoutMillis = (Integer) value;
      case SO_REUSEADDR -> reuseAddress = (Boolean) value;
      case SO_RCVBUF -> receiveBuffer = (Integer) value;
      default -> throw new SocketException("Unknown option " + optID);
    }
  }

  @Override
  public Object getOption(int optID) throws SocketException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    return switch (optID) {
      case SO_TIMEOUT -> timeoutMillis;
      case SO_REUSEADDR -> reuseAddress;
      case SO_RCVBUF -> receiveBuffer > 0 ? receiveBuffer : driver.options().tcpRxBytes();
      case SO_BINDADDR -> address;
      default -> throw new SocketException("Unknown option " + optID);
    };
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
    return (T) getOption(SocketOptionIds.of(name));
  }
}

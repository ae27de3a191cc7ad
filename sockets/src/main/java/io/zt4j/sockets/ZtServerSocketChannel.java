package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.runtime.driver.TcpAcceptor;
import io.zt4j.runtime.driver.TcpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ServerSocketChannel} on the virtual network: a {@link TcpAcceptor} of the stack
 * driver. {@code OP_ACCEPT} is ready while established connections wait in the acceptor's queue;
 * accepted channels start in blocking mode, as the JDK's do.
 */
final class ZtServerSocketChannel extends ServerSocketChannel implements ZtChannel {
  private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
      StandardSocketOptions.SO_REUSEADDR);

  private final StackDriver driver;
  private final Keys keys = new Keys(this);
  private final Object stateLock = new Object();
  private final ReentrantLock acceptLock = new ReentrantLock();
  private volatile TcpAcceptor acceptor;
  private volatile ServerSocket adaptor;
  private boolean reuseAddress = true;
  private int receiveBuffer;

  ZtServerSocketChannel(ZeroTierSelectorProvider provider) {
    super(provider);
    this.driver = provider.driver();
  }

  @Override
  public Keys keys() {
    return keys;
  }

  TcpAcceptor acceptor() {
    return acceptor;
  }

  @Override
  public int readyOps() {
    TcpAcceptor a = acceptor;
    return a != null && a.acceptable() ? SelectionKey.OP_ACCEPT : 0;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
    InetSocketAddress isa = local == null ? new InetSocketAddress(ZtSocketChannel.anyAddress(), 0)
        : ZtSocketChannel.checkAddress(local);
    synchronized (stateLock) {
      ensureOpen();
      if (acceptor != null) {
        throw new AlreadyBoundException();
      }
      TcpAcceptor a = driver.listen(isa.getAddress().isAnyLocalAddress() ? null : isa.getAddress(), isa.getPort(),
          backlog < 1 ? 50 : backlog);
      a.readinessListener(keys);
      acceptor = a;
    }
    keys.changed();
    return this;
  }

  @Override
  public SocketChannel accept() throws IOException {
    acceptLock.lock();
    try {
      ensureOpen();
      TcpAcceptor a = acceptor;
      if (a == null) {
        throw new NotYetBoundException();
      }
      TcpConnection c;
      if (isBlocking()) {
        c = acceptBlocking(a, 0);
      } else {
        try {
          c = a.acceptNow();
        } catch (IOException e) {
          ensureOpen();
          throw e;
        }
        if (c == null) {
          return null;
        }
      }
      return new ZtSocketChannel((ZeroTierSelectorProvider) provider(), c);
    } finally {
      acceptLock.unlock();
    }
  }

  /** A blocking accept, for the channel and its adaptor ({@code timeoutMillis} 0: no limit). */
  TcpConnection acceptBlocking(TcpAcceptor a, int timeoutMillis) throws IOException {
    boolean completed = false;
    try {
      begin();
      TcpConnection c = a.accept(timeoutMillis);
      completed = true;
      return c;
    } catch (IOException e) {
      completed = isOpen(); // a timeout, not a close
      throw e;
    } finally {
      end(completed);
    }
  }

  @Override
  public ServerSocket socket() {
    ServerSocket s = adaptor;
    if (s == null) {
      synchronized (stateLock) {
        s = adaptor;
        if (s == null) {
          try {
            s = adaptor = new ChannelServerSocket(this, driver);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    }
    return s;
  }

  @Override
  public SocketAddress getLocalAddress() throws IOException {
    ensureOpen();
    TcpAcceptor a = acceptor;
    return a == null ? null : new InetSocketAddress(a.localAddress(), a.localPort());
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return OPTIONS;
  }

  @Override
  public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
    ChannelOptions.checkSettable(OPTIONS, name, value);
    synchronized (stateLock) {
      ensureOpen();
      if (name == StandardSocketOptions.SO_RCVBUF) {
        int v = (Integer) value;
        if (v <= 0) {
          throw new IllegalArgumentException("Invalid receive buffer size");
        }
        receiveBuffer = v;
      } else {
        reuseAddress = (Boolean) value;
      }
    }
    return this;
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    ChannelOptions.checkSupported(OPTIONS, name);
    synchronized (stateLock) {
      ensureOpen();
      if (name == StandardSocketOptions.SO_RCVBUF) {
        return (T) (Integer) (receiveBuffer > 0 ? receiveBuffer : driver.stack().tcp().config().receiveBufferBytes);
      }
      return (T) (Boolean) reuseAddress;
    }
  }

  @Override
  protected void implCloseSelectableChannel() {
    TcpAcceptor a = acceptor;
    if (a != null) {
      a.close(); // wakes a blocked accept; connections not yet accepted are reset
    }
  }

  @Override
  protected void implConfigureBlocking(boolean block) {
    // the mode is read per operation
  }

  @Override
  public String toString() {
    TcpAcceptor a = acceptor;
    if (!isOpen()) {
      return "ZtServerSocketChannel[closed]";
    }
    return a == null ? "ZtServerSocketChannel[unbound]"
        : "ZtServerSocketChannel[" + a.localAddress().getHostAddress() + ":" + a.localPort() + "]";
  }
}

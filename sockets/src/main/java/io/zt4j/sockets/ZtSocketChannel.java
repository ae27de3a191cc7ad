package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.runtime.driver.TcpConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SocketChannel} on the virtual network: a {@link TcpConnection} of the stack driver.
 * Non-blocking reads and writes move bytes between the buffers and the connection's rx/tx
 * buffers; blocking ones park in the connection (begin/end make an asynchronous close throw
 * {@link java.nio.channels.AsynchronousCloseException} and an interrupt close the channel with
 * {@link java.nio.channels.ClosedByInterruptException}). One reader and one writer at a time
 * (each serialized by its lock), as with the JDK's channels.
 */
final class ZtSocketChannel extends SocketChannel implements ZtChannel {
  private static final int UNCONNECTED = 0;
  private static final int PENDING = 1;
  private static final int CONNECTED = 2;
  private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.TCP_NODELAY,
      StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_SNDBUF,
      StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR);

  private final StackDriver driver;
  private final Keys keys = new Keys(this);
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Object stateLock = new Object();
  private final ChannelIo readIo = new ChannelIo();
  private final ChannelIo writeIo = new ChannelIo();
  private volatile TcpConnection conn;
  private volatile int state = UNCONNECTED;
  private InetSocketAddress bindAddress; // under stateLock
  private volatile InetSocketAddress remote;
  private volatile Socket adaptor;
  // options remembered until the connection exists
  private boolean noDelay;
  private boolean keepAlive;
  private int lingerSeconds = -1;
  private int sendBuffer;
  private int receiveBuffer;
  private boolean reuseAddress;

  ZtSocketChannel(ZeroTierSelectorProvider provider) {
    super(provider);
    this.driver = provider.driver();
  }

  /** A channel for a connection the server channel accepted. */
  ZtSocketChannel(ZeroTierSelectorProvider provider, TcpConnection accepted) {
    this(provider);
    conn = accepted;
    remote = new InetSocketAddress(accepted.remoteAddress(), accepted.remotePort());
    state = CONNECTED;
    accepted.readinessListener(keys);
  }

  @Override
  public Keys keys() {
    return keys;
  }

  TcpConnection connection() {
    return conn;
  }

  @Override
  public int readyOps() {
    TcpConnection c = conn;
    if (c == null) {
      return 0;
    }
    int s = state;
    if (s == PENDING) {
      return c.connectDone() ? SelectionKey.OP_CONNECT : 0;
    }
    if (s != CONNECTED) {
      return 0;
    }
    int ops = 0;
    if (c.readable()) {
      ops |= SelectionKey.OP_READ;
    }
    if (c.writable()) {
      ops |= SelectionKey.OP_WRITE;
    }
    return ops;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }

  private TcpConnection connected() throws ClosedChannelException {
    ensureOpen();
    TcpConnection c = conn;
    if (state != CONNECTED || c == null) {
      throw new NotYetConnectedException();
    }
    return c;
  }

  // ------------------------------------------------------------------ connect

  @Override
  public SocketChannel bind(SocketAddress local) throws IOException {
    synchronized (stateLock) {
      ensureOpen();
      if (state == CONNECTED) {
        throw new AlreadyConnectedException();
      }
      if (state == PENDING) {
        throw new ConnectionPendingException();
      }
      if (bindAddress != null) {
        throw new AlreadyBoundException();
      }
      bindAddress = local == null ? new InetSocketAddress(anyAddress(), 0) : checkAddress(local);
    }
    return this;
  }

  static InetSocketAddress checkAddress(SocketAddress a) {
    Objects.requireNonNull(a, "address");
    if (!(a instanceof InetSocketAddress isa)) {
      throw new UnsupportedAddressTypeException();
    }
    if (isa.isUnresolved()) {
      throw new UnresolvedAddressException();
    }
    return isa;
  }

  static InetAddress anyAddress() {
    try {
      return InetAddress.getByAddress(new byte[4]);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean connect(SocketAddress address) throws IOException {
    startConnect(address);
    if (isBlocking()) {
      return finishConnect(0);
    }
    // the handshake runs on the loop: the outcome is reported by OP_CONNECT and finishConnect
    return false;
  }

  /** The adaptor's connect: a blocking connect giving up after {@code timeoutMillis} (0: never). */
  void connect(SocketAddress address, int timeoutMillis) throws IOException {
    startConnect(address);
    finishConnect(timeoutMillis);
  }

  private TcpConnection startConnect(SocketAddress address) throws IOException {
    InetSocketAddress isa = checkAddress(address);
    TcpConnection c;
    synchronized (stateLock) {
      ensureOpen();
      if (state == CONNECTED) {
        throw new AlreadyConnectedException();
      }
      if (state == PENDING) {
        throw new ConnectionPendingException();
      }
      InetAddress dst = isa.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : isa.getAddress();
      c = driver.newTcp();
      c.noDelay(noDelay);
      c.keepAlive(keepAlive);
      c.lingerSeconds(lingerSeconds);
      if (sendBuffer > 0) {
        c.sendBufferBytes(sendBuffer);
      }
      if (receiveBuffer > 0) {
        c.receiveBufferBytes(receiveBuffer);
      }
      c.readinessListener(keys);
      conn = c;
      remote = new InetSocketAddress(dst, isa.getPort());
      state = PENDING;
      InetSocketAddress b = bindAddress;
      c.connect(b == null ? null : b.getAddress(), b == null ? 0 : b.getPort(), dst, isa.getPort());
    }
    keys.changed();
    return c;
  }

  @Override
  public boolean finishConnect() throws IOException {
    return finishConnect(0);
  }

  private boolean finishConnect(long timeoutMillis) throws IOException {
    ensureOpen();
    if (state == CONNECTED) {
      return true;
    }
    if (state != PENDING) {
      throw new NoConnectionPendingException();
    }
    TcpConnection c = conn;
    if (!isBlocking() && !c.connectDone()) {
      return false;
    }
    IOException failure = null;
    boolean completed = false;
    try {
      begin();
      c.awaitConnected(timeoutMillis);
      completed = true;
    } catch (IOException e) {
      failure = e;
      completed = isOpen(); // not closed by another thread or an interrupt
    } finally {
      end(completed); // AsynchronousCloseException or ClosedByInterruptException
    }
    if (failure != null) {
      close(); // a failed connection attempt closes the channel, as the JDK's does
      throw failure;
    }
    synchronized (stateLock) {
      if (state == PENDING) {
        state = CONNECTED;
      }
    }
    return true;
  }

  @Override
  public boolean isConnected() {
    return state == CONNECTED;
  }

  @Override
  public boolean isConnectionPending() {
    return state == PENDING;
  }

  @Override
  public SocketAddress getRemoteAddress() throws IOException {
    ensureOpen();
    return state == CONNECTED ? remote : null;
  }

  @Override
  public SocketAddress getLocalAddress() throws IOException {
    ensureOpen();
    TcpConnection c = conn;
    if (c != null && c.localAddress() != null) {
      return new InetSocketAddress(c.localAddress(), c.localPort());
    }
    synchronized (stateLock) {
      return bindAddress;
    }
  }

  // ------------------------------------------------------------------ read / write

  @Override
  public int read(ByteBuffer dst) throws IOException {
    Objects.requireNonNull(dst);
    ChannelIo.checkWritable(dst);
    return (int) read(new ByteBuffer[] {dst}, 0, 1);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, dsts.length);
    for (int i = offset; i < offset + length; i++) {
      ChannelIo.checkWritable(dsts[i]);
    }
    readLock.lock();
    try {
      TcpConnection c = connected();
      long total = 0;
      int i = offset;
      if (isBlocking()) {
        while (i < offset + length && !dsts[i].hasRemaining()) {
          i++;
        }
        if (i == offset + length) {
          return 0;
        }
        boolean completed = false;
        int n;
        try {
          begin();
          n = readIo.read(dsts[i], (b, off, len) -> c.read(b, off, len, 0));
          completed = true;
        } catch (IOException e) {
          completed = isOpen(); // a failure of the connection, not a close
          throw e;
        } finally {
          end(completed);
        }
        if (n < 0) {
          return -1;
        }
        total = n;
      }
      for (; i < offset + length; i++) {
        ByteBuffer d = dsts[i];
        while (d.hasRemaining()) {
          int n = readIo.read(d, c::readNow);
          if (n < 0) {
            return total > 0 ? total : -1;
          }
          if (n == 0) {
            return total;
          }
          total += n;
        }
      }
      return total;
    } catch (ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      ensureOpen(); // closed meanwhile: ClosedChannelException, not the connection's "Socket closed"
      throw e;
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return (int) write(new ByteBuffer[] {Objects.requireNonNull(src)}, 0, 1);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, srcs.length);
    writeLock.lock();
    try {
      TcpConnection c = connected();
      if (c.isOutputShutdown()) {
        throw new ClosedChannelException();
      }
      long total = 0;
      if (isBlocking()) {
        boolean completed = false;
        try {
          begin();
          for (int i = offset; i < offset + length; i++) {
            ByteBuffer s = srcs[i];
            while (s.hasRemaining()) {
              total += writeIo.write(s, (b, off, len) -> {
                c.write(b, off, len);
                return len;
              });
            }
          }
          completed = true;
        } catch (IOException e) {
          completed = isOpen();
          throw e;
        } finally {
          end(completed);
        }
        return total;
      }
      for (int i = offset; i < offset + length; i++) {
        ByteBuffer s = srcs[i];
        while (s.hasRemaining()) {
          int n = writeIo.write(s, c::writeNow);
          if (n == 0) {
            return total;
          }
          total += n;
        }
      }
      return total;
    } catch (ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      ensureOpen(); // closed meanwhile: ClosedChannelException, not the connection's "Socket closed"
      throw e;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public SocketChannel shutdownInput() throws IOException {
    connected().shutdownInput();
    keys.changed();
    return this;
  }

  @Override
  public SocketChannel shutdownOutput() throws IOException {
    connected().shutdownOutput();
    keys.changed();
    return this;
  }

  // ------------------------------------------------------------------ adaptor, options, close

  @Override
  public Socket socket() {
    Socket s = adaptor;
    if (s == null) {
      synchronized (stateLock) {
        s = adaptor;
        if (s == null) {
          try {
            s = adaptor = new ChannelSocket(this);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    }
    return s;
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return OPTIONS;
  }

  @Override
  public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
    ChannelOptions.checkSettable(OPTIONS, name, value);
    synchronized (stateLock) {
      ensureOpen();
      TcpConnection c = conn;
      if (name == StandardSocketOptions.TCP_NODELAY) {
        noDelay = (Boolean) value;
        if (c != null) {
          c.noDelay(noDelay);
        }
      } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
        keepAlive = (Boolean) value;
        if (c != null) {
          c.keepAlive(keepAlive);
        }
      } else if (name == StandardSocketOptions.SO_LINGER) {
        int v = (Integer) value;
        lingerSeconds = v < 0 ? -1 : Math.min(v, 65535);
        if (c != null) {
          c.lingerSeconds(lingerSeconds);
        }
      } else if (name == StandardSocketOptions.SO_SNDBUF) {
        int v = (Integer) value;
        if (v <= 0) {
          throw new IllegalArgumentException("Invalid send buffer size");
        }
        sendBuffer = v;
        if (c != null) {
          c.sendBufferBytes(v);
        }
      } else if (name == StandardSocketOptions.SO_RCVBUF) {
        int v = (Integer) value;
        if (v <= 0) {
          throw new IllegalArgumentException("Invalid receive buffer size");
        }
        receiveBuffer = v;
        if (c != null) {
          c.receiveBufferBytes(v);
        }
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
      TcpConnection c = conn;
      Object v;
      if (name == StandardSocketOptions.TCP_NODELAY) {
        v = c != null ? c.noDelay() : noDelay;
      } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
        v = c != null ? c.keepAlive() : keepAlive;
      } else if (name == StandardSocketOptions.SO_LINGER) {
        v = c != null ? c.lingerSeconds() : lingerSeconds;
      } else if (name == StandardSocketOptions.SO_SNDBUF) {
        v = c != null ? c.sendBufferBytes() : sendBuffer > 0 ? sendBuffer : driver.stack().tcp().config().sendBufferBytes;
      } else if (name == StandardSocketOptions.SO_RCVBUF) {
        v = c != null ? c.receiveBufferBytes()
            : receiveBuffer > 0 ? receiveBuffer : driver.stack().tcp().config().receiveBufferBytes;
      } else {
        v = reuseAddress;
      }
      return (T) v;
    }
  }

  @Override
  protected void implCloseSelectableChannel() {
    TcpConnection c = conn;
    if (c != null) {
      c.close(); // wakes blocked readers, writers and connectors
    }
  }

  @Override
  protected void implConfigureBlocking(boolean block) {
    // the mode is read per operation
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ZtSocketChannel[");
    if (!isOpen()) {
      sb.append("closed");
    } else {
      sb.append(state == CONNECTED ? "connected" : state == PENDING ? "connection-pending" : "unconnected");
      TcpConnection c = conn;
      if (c != null && c.localAddress() != null) {
        sb.append(" local=").append(c.localAddress().getHostAddress()).append(':').append(c.localPort());
      }
      if (state == CONNECTED) {
        sb.append(" remote=").append(remote);
      }
    }
    return sb.append(']').toString();
  }
}

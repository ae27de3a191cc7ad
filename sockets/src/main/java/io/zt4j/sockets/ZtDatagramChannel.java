package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.runtime.driver.UdpConnection;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link DatagramChannel} on the virtual network: a {@link UdpConnection} of the stack driver,
 * bound on first use (explicit {@link #bind}, or an ephemeral port on the first send, receive or
 * connect, as with the JDK). {@code OP_READ} is ready while datagrams wait in the connection's
 * queue, {@code OP_WRITE} while its send queue has room. A datagram longer than the buffer is
 * truncated, the rest discarded, as with the JDK. Multicast: {@link #join} with any network
 * interface argument joins on the virtual network the group routes to; source-specific
 * membership is not supported.
 */
final class ZtDatagramChannel extends DatagramChannel implements ZtChannel {
  private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
      StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_BROADCAST,
      StandardSocketOptions.IP_TOS, StandardSocketOptions.IP_MULTICAST_TTL, StandardSocketOptions.IP_MULTICAST_LOOP);

  private final StackDriver driver;
  private final ProtocolFamily family;
  private final Keys keys = new Keys(this);
  private final Object stateLock = new Object();
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final List<Membership> memberships = new ArrayList<>(); // under stateLock
  private volatile UdpConnection udp;
  private volatile InetSocketAddress remote;
  private volatile DatagramSocket adaptor;
  private byte[] sendScratch; // under writeLock
  private boolean reuseAddress;
  private int receiveBuffer;
  private int sendBuffer;
  private int trafficClass;
  private int multicastTtl = 1;

  ZtDatagramChannel(ZeroTierSelectorProvider provider, ProtocolFamily family) {
    super(provider);
    this.driver = provider.driver();
    this.family = family;
  }

  @Override
  public Keys keys() {
    return keys;
  }

  @Override
  public int readyOps() {
    UdpConnection u = udp;
    if (u == null) {
      return 0;
    }
    int ops = 0;
    if (u.readable()) {
      ops |= SelectionKey.OP_READ;
    }
    if (u.writable()) {
      ops |= SelectionKey.OP_WRITE;
    }
    return ops;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }

  // ------------------------------------------------------------------ bind / connect

  @Override
  public DatagramChannel bind(SocketAddress local) throws IOException {
    synchronized (stateLock) {
      ensureOpen();
      if (udp != null) {
        throw new AlreadyBoundException();
      }
      bindLocked(local == null ? null : ZtSocketChannel.checkAddress(local));
    }
    return this;
  }

  private UdpConnection bindLocked(InetSocketAddress local) throws IOException {
    InetAddress a = local == null ? null : local.getAddress();
    if (a != null && family == StandardProtocolFamily.INET && !(a instanceof Inet4Address)) {
      throw new java.nio.channels.UnsupportedAddressTypeException();
    }
    UdpConnection u = driver.openUdp(a == null || a.isAnyLocalAddress() ? null : a, local == null ? 0 : local.getPort(),
        reuseAddress);
    if (receiveBuffer > 0) {
      u.receiveBufferBytes(receiveBuffer);
    }
    if (trafficClass != 0) {
      u.trafficClass(trafficClass);
    }
    u.multicastHopLimit(multicastTtl);
    u.readinessListener(keys);
    udp = u;
    keys.changed();
    return u;
  }

  /** The bound UDP socket, binding to an ephemeral port first if needed. */
  private UdpConnection bound() throws IOException {
    UdpConnection u = udp;
    if (u != null) {
      return u;
    }
    synchronized (stateLock) {
      ensureOpen();
      return udp != null ? udp : bindLocked(null);
    }
  }

  @Override
  public DatagramChannel connect(SocketAddress address) throws IOException {
    InetSocketAddress isa = ZtSocketChannel.checkAddress(address);
    synchronized (stateLock) {
      ensureOpen();
      if (remote != null) {
        throw new AlreadyConnectedException();
      }
      bound().connect(isa.getAddress(), isa.getPort());
      remote = isa;
    }
    return this;
  }

  @Override
  public DatagramChannel disconnect() throws IOException {
    synchronized (stateLock) {
      if (!isOpen() || remote == null) {
        return this;
      }
      udp.disconnect();
      remote = null;
    }
    return this;
  }

  @Override
  public boolean isConnected() {
    return remote != null;
  }

  @Override
  public SocketAddress getRemoteAddress() throws IOException {
    ensureOpen();
    return remote;
  }

  @Override
  public SocketAddress getLocalAddress() throws IOException {
    ensureOpen();
    UdpConnection u = udp;
    return u == null ? null : new InetSocketAddress(u.localAddress(), u.localPort());
  }

  // ------------------------------------------------------------------ receive / send

  @Override
  public SocketAddress receive(ByteBuffer dst) throws IOException {
    ChannelIo.checkWritable(dst);
    readLock.lock();
    try {
      UdpConnection u = bound();
      UdpConnection.Datagram d = next(u);
      if (d == null) {
        return null;
      }
      put(d, new ByteBuffer[] {dst}, 0, 1);
      return new InetSocketAddress(d.address(), d.port());
    } finally {
      readLock.unlock();
    }
  }

  /** The next datagram: null when none is there (non-blocking); blocking mode waits. */
  private UdpConnection.Datagram next(UdpConnection u) throws IOException {
    ensureOpen();
    if (!isBlocking()) {
      try {
        return u.receiveNow();
      } catch (ClosedChannelException e) {
        throw e;
      } catch (IOException e) {
        ensureOpen();
        throw e;
      }
    }
    boolean completed = false;
    try {
      begin();
      UdpConnection.Datagram d = u.receive(0);
      completed = true;
      return d;
    } catch (IOException e) {
      completed = isOpen();
      throw e;
    } finally {
      end(completed);
    }
  }

  /** Copies a datagram into the buffers (truncating); returns the bytes copied. */
  private static long put(UdpConnection.Datagram d, ByteBuffer[] dsts, int offset, int length) {
    byte[] data = d.data();
    int pos = 0;
    for (int i = offset; i < offset + length && pos < data.length; i++) {
      int n = Math.min(dsts[i].remaining(), data.length - pos);
      dsts[i].put(data, pos, n);
      pos += n;
    }
    return pos;
  }

  @Override
  public int send(ByteBuffer src, SocketAddress target) throws IOException {
    InetSocketAddress isa = ZtSocketChannel.checkAddress(target);
    InetSocketAddress r = remote;
    if (r != null && !r.equals(isa)) {
      throw new AlreadyConnectedException();
    }
    return (int) send(new ByteBuffer[] {src}, 0, 1, isa);
  }

  private long send(ByteBuffer[] srcs, int offset, int length, InetSocketAddress to) throws IOException {
    writeLock.lock();
    try {
      UdpConnection u = bound();
      ensureOpen();
      int len = 0;
      for (int i = offset; i < offset + length; i++) {
        len += srcs[i].remaining();
      }
      byte[] b = sendScratch;
      if (b == null || b.length < len) {
        b = sendScratch = new byte[Math.max(len, 2048)];
      }
      int pos = 0;
      for (int i = offset; i < offset + length; i++) {
        int n = srcs[i].remaining();
        srcs[i].get(srcs[i].position(), b, pos, n);
        pos += n;
      }
      boolean sent;
      if (isBlocking()) {
        boolean completed = false;
        try {
          begin();
          u.send(b, 0, len, to.getAddress(), to.getPort());
          completed = true;
        } catch (IOException e) {
          completed = isOpen();
          throw e;
        } finally {
          end(completed);
        }
        sent = true;
      } else {
        try {
          sent = u.sendNow(b, 0, len, to.getAddress(), to.getPort());
        } catch (IOException e) {
          ensureOpen();
          throw e;
        }
      }
      if (!sent) {
        return 0;
      }
      for (int i = offset; i < offset + length; i++) {
        srcs[i].position(srcs[i].limit());
      }
      return len;
    } finally {
      writeLock.unlock();
    }
  }

  private InetSocketAddress connected() throws IOException {
    ensureOpen();
    InetSocketAddress r = remote;
    if (r == null) {
      throw new NotYetConnectedException();
    }
    return r;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return (int) read(new ByteBuffer[] {Objects.requireNonNull(dst)}, 0, 1);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, dsts.length);
    for (int i = offset; i < offset + length; i++) {
      ChannelIo.checkWritable(dsts[i]);
    }
    connected();
    readLock.lock();
    try {
      UdpConnection.Datagram d = next(udp);
      return d == null ? 0 : put(d, dsts, offset, length);
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
    return send(srcs, offset, length, connected());
  }

  // ------------------------------------------------------------------ multicast

  @Override
  public MembershipKey join(InetAddress group, NetworkInterface interf) throws IOException {
    Objects.requireNonNull(group, "group");
    if (!group.isMulticastAddress()) {
      throw new IllegalArgumentException("Group not a multicast address");
    }
    synchronized (stateLock) {
      ensureOpen();
      for (Membership m : memberships) {
        if (m.isValid() && m.group().equals(group)) {
          return m;
        }
      }
      bound().joinGroup(group, 0);
      Membership m = new Membership(group, interf);
      memberships.add(m);
      return m;
    }
  }

  /** Not supported: the virtual network's stack has no source-specific multicast. */
  @Override
  public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) {
    throw new UnsupportedOperationException("source-specific multicast is not supported");
  }

  /** A group this channel joined. */
  private final class Membership extends MembershipKey {
    private final InetAddress group;
    private final NetworkInterface networkInterface;
    private volatile boolean valid = true;

    Membership(InetAddress group, NetworkInterface networkInterface) {
      this.group = group;
      this.networkInterface = networkInterface;
    }

    @Override
    public boolean isValid() {
      return valid && isOpen();
    }

    @Override
    public void drop() {
      synchronized (stateLock) {
        if (!valid) {
          return;
        }
        valid = false;
        memberships.remove(this);
        UdpConnection u = udp;
        if (u != null && isOpen()) {
          try {
            u.leaveGroup(group, 0);
          } catch (IOException e) {
            // the socket is going away; its memberships go with it
          }
        }
      }
    }

    @Override
    public MembershipKey block(InetAddress source) {
      throw new UnsupportedOperationException("source filtering is not supported");
    }

    @Override
    public MembershipKey unblock(InetAddress source) {
      throw new UnsupportedOperationException("source filtering is not supported");
    }

    @Override
    public DatagramChannel channel() {
      return ZtDatagramChannel.this;
    }

    @Override
    public InetAddress group() {
      return group;
    }

    @Override
    public NetworkInterface networkInterface() {
      return networkInterface;
    }

    @Override
    public InetAddress sourceAddress() {
      return null;
    }
  }

  // ------------------------------------------------------------------ adaptor, options, close

  /** The {@code DatagramSocket} adaptor; an unbound channel is bound to an ephemeral port first. */
  @Override
  public DatagramSocket socket() {
    DatagramSocket s = adaptor;
    if (s != null) {
      return s;
    }
    synchronized (stateLock) {
      if (adaptor == null) {
        try {
          UdpConnection u = bound();
          adaptor = new ChannelDatagramSocket(this, new ZtDatagramSocketImpl(driver, u),
              new InetSocketAddress(u.localAddress(), u.localPort()));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return adaptor;
    }
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return OPTIONS;
  }

  @Override
  public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
    ChannelOptions.checkSettable(OPTIONS, name, value);
    synchronized (stateLock) {
      ensureOpen();
      UdpConnection u = udp;
      if (name == StandardSocketOptions.SO_RCVBUF) {
        receiveBuffer = positive((Integer) value);
        if (u != null) {
          u.receiveBufferBytes(receiveBuffer);
        }
      } else if (name == StandardSocketOptions.SO_SNDBUF) {
        sendBuffer = positive((Integer) value);
      } else if (name == StandardSocketOptions.SO_REUSEADDR) {
        reuseAddress = (Boolean) value;
      } else if (name == StandardSocketOptions.IP_TOS) {
        trafficClass = (Integer) value & 0xFF;
        if (u != null) {
          u.trafficClass(trafficClass);
        }
      } else if (name == StandardSocketOptions.IP_MULTICAST_TTL) {
        int ttl = (Integer) value;
        if (ttl < 0 || ttl > 255) {
          throw new IllegalArgumentException("Invalid TTL/hop value");
        }
        multicastTtl = ttl;
        if (u != null) {
          u.multicastHopLimit(ttl);
        }
      }
      // SO_BROADCAST: always allowed on the virtual network; IP_MULTICAST_LOOP: never looped
    }
    return this;
  }

  private static int positive(int v) {
    if (v <= 0) {
      throw new IllegalArgumentException("Invalid buffer size");
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    ChannelOptions.checkSupported(OPTIONS, name);
    synchronized (stateLock) {
      ensureOpen();
      Object v;
      if (name == StandardSocketOptions.SO_RCVBUF) {
        v = receiveBuffer > 0 ? receiveBuffer : io.zt4j.stack.socket.udp.UdpSocket.DEFAULT_RECEIVE_BUFFER;
      } else if (name == StandardSocketOptions.SO_SNDBUF) {
        v = sendBuffer > 0 ? sendBuffer : driver.options().udpTxBytes();
      } else if (name == StandardSocketOptions.SO_REUSEADDR) {
        v = reuseAddress;
      } else if (name == StandardSocketOptions.IP_TOS) {
        v = trafficClass;
      } else if (name == StandardSocketOptions.IP_MULTICAST_TTL) {
        v = multicastTtl;
      } else if (name == StandardSocketOptions.SO_BROADCAST) {
        v = true;
      } else {
        v = false;
      }
      return (T) v;
    }
  }

  @Override
  protected void implCloseSelectableChannel() {
    UdpConnection u = udp;
    if (u != null) {
      u.close(); // wakes a blocked receive or send
    }
  }

  @Override
  protected void implConfigureBlocking(boolean block) {
    // the mode is read per operation
  }

  @Override
  public String toString() {
    UdpConnection u = udp;
    if (!isOpen()) {
      return "ZtDatagramChannel[closed]";
    }
    return "ZtDatagramChannel[" + (u == null ? "unbound" : u.localAddress().getHostAddress() + ":" + u.localPort())
        + (remote == null ? "" : " connected " + remote) + "]";
  }
}

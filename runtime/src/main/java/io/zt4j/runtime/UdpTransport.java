package io.zt4j.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's UDP sockets: one non-blocking {@link DatagramChannel} per configured local address,
 * all registered with the node loop's {@link Selector}. Socket ids handed to the node core are the
 * indexes into {@link #localAddresses()}.
 *
 * <p>Binds only the addresses it is given (never the wildcard unless asked to). With port 0 the
 * first socket gets an ephemeral port and the others reuse it, so the node has one port on all
 * its addresses like ZeroTier One's primary port.
 *
 * <p>Further ports ({@link #bindPort}: ZeroTier One's secondary port, and the port that port
 * mapping maps) are bound on the same addresses as the primary one, so they stay within the bind
 * rules; their sockets get the next socket ids. A path remembers the socket id a peer reached, so
 * replies leave from the port the peer sent to.
 *
 * <p>Owned by the node loop: {@link #send}, {@link #drain} and {@link #bindPort} are called only
 * under its core lock (on the loop thread, or — {@link #send} — on an application thread sending
 * inline, see {@link EventLoop#runIfIdle}). {@link #close} may be called once the loop has stopped.
 */
public final class UdpTransport implements AutoCloseable {
  /** ZeroTier One's desired UDP socket buffer size ({@code ZT_UDP_DESIRED_BUF_SIZE}). */
  public static final int SOCKET_BUFFER_BYTES = 1 << 20;
  /** Largest datagram accepted (ZeroTier never sends more than ~1500-byte fragments). */
  public static final int MAX_DATAGRAM = 16384;
  /** Datagrams read per socket per {@link #drain} call, so one busy socket cannot starve others. */
  static final int DRAIN_BATCH = 256;

  /** Receives datagrams drained from the sockets. */
  @FunctionalInterface
  public interface Receiver {
    /** {@code data} is valid only during the call. */
    void received(int socketId, InetSocketAddress from, ByteBuffer data);
  }

  /** Lowest port {@link #bindPort} picks at random (ZeroTier One: {@code 20000 + random % 45500}). */
  public static final int RANDOM_PORT_BASE = 20000;
  /** Size of the range {@link #bindPort} picks from. */
  public static final int RANDOM_PORT_SPAN = 45500;
  /** Ports {@link #bindPort} tries, one after the other, before giving up (ZeroTier One: 1000). */
  static final int RANDOM_PORT_TRIALS = 1000;

  private final List<DatagramChannel> channels;
  private final List<InetSocketAddress> locals;
  private final Selector selector;
  /** Sockets bound by {@link #bind} (the primary port); {@link #bindPort} adds after them. */
  private final int primaryCount;
  private final ByteBuffer rx = ByteBuffer.allocateDirect(MAX_DATAGRAM);
  // Outgoing datagrams are copied here (the copy the JDK makes for a heap buffer anyway): the
  // JDK's own per-thread direct buffer cache would otherwise keep buffers on every application
  // thread that sends inline (EventLoop.runIfIdle).
  private final ByteBuffer tx = ByteBuffer.allocateDirect(MAX_DATAGRAM);
  private long sendFailures;
  private long[] sentPerSocket;
  private long[] receivedPerSocket;

  private UdpTransport(List<DatagramChannel> channels, List<InetSocketAddress> locals, Selector selector) {
    this.channels = channels;
    this.locals = locals;
    this.selector = selector;
    this.primaryCount = channels.size();
    this.sentPerSocket = new long[channels.size()];
    this.receivedPerSocket = new long[channels.size()];
  }

  /**
   * Binds one socket per address (all addresses share the port of the first if its port is 0)
   * and registers them for reading with {@code selector}.
   */
  public static UdpTransport bind(List<InetSocketAddress> addresses, Selector selector) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no local address to bind");
    }
    List<DatagramChannel> chans = new ArrayList<>();
    List<InetSocketAddress> locals = new ArrayList<>();
    int sharedPort = -1;
    try {
      for (InetSocketAddress a : addresses) {
        InetSocketAddress want = a;
        if (a.getPort() == 0 && sharedPort > 0) {
          want = new InetSocketAddress(a.getAddress(), sharedPort);
        }
        DatagramChannel ch = open(want);
        chans.add(ch);
        ch.register(selector, SelectionKey.OP_READ, chans.size() - 1);
        InetSocketAddress bound = (InetSocketAddress) ch.getLocalAddress();
        locals.add(bound);
        if (sharedPort < 0) {
          sharedPort = bound.getPort();
        }
      }
    } catch (IOException e) {
      for (DatagramChannel c : chans) {
        closeQuietly(c);
      }
      throw new UncheckedIOException(e.getMessage(), e);
    }
    return new UdpTransport(chans, locals, selector);
  }

  /** A non-blocking socket with throughput-sized buffers bound to {@code at}. */
  private static DatagramChannel open(InetSocketAddress at) throws IOException {
    ProtocolFamily fam = at.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    DatagramChannel ch = DatagramChannel.open(fam);
    try {
      ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
      ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
      try {
        ch.bind(at);
      } catch (IOException e) {
        throw new IOException("cannot bind UDP " + format(at) + ": " + e.getMessage(), e);
      }
      ch.configureBlocking(false);
    } catch (IOException e) {
      closeQuietly(ch);
      throw e;
    }
    return ch;
  }

  /**
   * Binds one more socket on each address the transport was created with (same IPs, this port),
   * all or none: ZeroTier One's secondary port, or the port that port mapping maps. With
   * {@code port} 0 a port is picked like ZeroTier One picks its secondary port: a random start
   * in 20000–65499, then the following ports until one is free on every address.
   *
   * @param random source of the random start (any int)
   * @return the port bound
   * @throws UncheckedIOException if {@code port} (or, with 0, no port tried) can be bound
   */
  public int bindPort(int port, java.util.function.IntSupplier random) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    List<InetAddress> ips = new ArrayList<>();
    for (int i = 0; i < primaryCount; i++) {
      ips.add(locals.get(i).getAddress());
    }
    if (port != 0) {
      try {
        bindAll(ips, port);
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
      return port;
    }
    int p = RANDOM_PORT_BASE + Math.floorMod(random.getAsInt(), RANDOM_PORT_SPAN);
    IOException last = null;
    for (int i = 0; i < RANDOM_PORT_TRIALS; i++, p = p >= 65535 ? RANDOM_PORT_BASE : p + 1) {
      if (inUse(p)) {
        continue;
      }
      try {
        bindAll(ips, p);
        return p;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new UncheckedIOException("no free UDP port found after " + RANDOM_PORT_TRIALS + " tries", last);
  }

  private boolean inUse(int port) {
    for (InetSocketAddress a : locals) {
      if (a.getPort() == port) {
        return true;
      }
    }
    return false;
  }

  /** Opens a socket on each of {@code ips} with {@code port}: all, or none (then throws). */
  private static List<DatagramChannel> openAll(List<InetAddress> ips, int port) throws IOException {
    List<DatagramChannel> opened = new ArrayList<>();
    try {
      for (InetAddress ip : ips) {
        opened.add(open(new InetSocketAddress(ip, port)));
      }
    } catch (IOException e) {
      opened.forEach(UdpTransport::closeQuietly);
      throw e;
    }
    return opened;
  }

  /**
   * Moves the sockets that {@link #bindPort} bound on {@code oldPort} to another random port
   * (picked as there), keeping their socket ids, so paths learned on them now use the new port:
   * ZeroTier One re-randomizes its secondary port this way when the node stays offline (some
   * routers start blocking a port they consider suspicious). The old sockets are closed.
   *
   * @return the new port
   * @throws UncheckedIOException if no port could be bound (the old sockets are then kept)
   */
  public int rebindPort(int oldPort, java.util.function.IntSupplier random) {
    List<Integer> ids = new ArrayList<>();
    List<InetAddress> ips = new ArrayList<>();
    for (int i = primaryCount; i < locals.size(); i++) {
      if (locals.get(i).getPort() == oldPort) {
        ids.add(i);
        ips.add(locals.get(i).getAddress());
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("no added port " + oldPort + " to move");
    }
    int p = RANDOM_PORT_BASE + Math.floorMod(random.getAsInt(), RANDOM_PORT_SPAN);
    IOException last = null;
    for (int t = 0; t < RANDOM_PORT_TRIALS; t++, p = p >= 65535 ? RANDOM_PORT_BASE : p + 1) {
      if (inUse(p)) {
        continue;
      }
      List<DatagramChannel> opened;
      try {
        opened = openAll(ips, p);
      } catch (IOException e) {
        last = e;
        continue;
      }
      try {
        for (int k = 0; k < ids.size(); k++) {
          int id = ids.get(k);
          DatagramChannel ch = opened.get(k);
          closeQuietly(channels.get(id));
          channels.set(id, ch);
          ch.register(selector, SelectionKey.OP_READ, id);
          locals.set(id, (InetSocketAddress) ch.getLocalAddress());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot register the moved sockets: " + e.getMessage(), e);
      }
      return p;
    }
    throw new UncheckedIOException("no free UDP port found after " + RANDOM_PORT_TRIALS + " tries", last);
  }

  private void bindAll(List<InetAddress> ips, int port) throws IOException {
    List<DatagramChannel> opened = openAll(ips, port);
    for (DatagramChannel ch : opened) {
      channels.add(ch);
      ch.register(selector, SelectionKey.OP_READ, channels.size() - 1);
      locals.add((InetSocketAddress) ch.getLocalAddress());
    }
    sentPerSocket = java.util.Arrays.copyOf(sentPerSocket, channels.size());
    receivedPerSocket = java.util.Arrays.copyOf(receivedPerSocket, channels.size());
  }

  /** Datagrams sent from socket {@code socketId} so far. */
  public long sent(int socketId) {
    return sentPerSocket[socketId];
  }

  /** Datagrams received on socket {@code socketId} so far. */
  public long received(int socketId) {
    return receivedPerSocket[socketId];
  }

  /** Bound addresses, indexed by socket id. */
  public List<InetSocketAddress> localAddresses() {
    return List.copyOf(locals);
  }

  /** Datagrams the kernel refused (full buffer, unreachable…): UDP semantics, they are lost. */
  public long sendFailures() {
    return sendFailures;
  }

  /**
   * Sends {@code data} to {@code to} from socket {@code socketId}, or from every socket of the
   * destination's family when {@code socketId} is negative (as ZeroTier One does for "any").
   *
   * @return whether at least one socket accepted the datagram
   */
  public boolean send(long socketId, InetSocketAddress to, ByteBuffer data) {
    boolean v6 = to.getAddress() instanceof Inet6Address;
    boolean sent = false;
    if (socketId >= 0) {
      if (socketId < channels.size() && family6(socketId) == v6) {
        sent = sendOn((int) socketId, to, data);
      }
    } else {
      for (int i = 0; i < channels.size(); i++) {
        if (family6(i) == v6) {
          sent |= sendOn(i, to, data.duplicate());
        }
      }
    }
    return sent;
  }

  private boolean family6(long socketId) {
    return locals.get((int) socketId).getAddress() instanceof Inet6Address;
  }

  private boolean sendOn(int id, SocketAddress to, ByteBuffer data) {
    ByteBuffer out = data;
    if (!data.isDirect() && data.remaining() <= tx.capacity()) {
      tx.clear();
      tx.put(data.duplicate());
      tx.flip();
      out = tx;
    }
    if (LatencyProbe.ENABLED) {
      LatencyProbe.beforeSendto();
    }
    try {
      if (channels.get(id).send(out, to) > 0) {
        sentPerSocket[id]++;
        if (LatencyProbe.ENABLED) {
          LatencyProbe.sendto();
        }
        return true;
      }
    } catch (IOException e) {
      // Unreachable networks, refused ICMP feedback and the like: the datagram is lost.
    }
    sendFailures++;
    return false;
  }

  /**
   * Reads what is waiting on the sockets whose keys the selector reported ready (up to
   * {@link #DRAIN_BATCH} datagrams each) and hands each to {@code receiver}.
   *
   * @return number of datagrams received
   */
  public int drain(Iterable<SelectionKey> readyKeys, Receiver receiver) {
    int n = 0;
    for (SelectionKey k : readyKeys) {
      if (!(k.attachment() instanceof Integer id) || !k.isValid() || !k.isReadable()) {
        continue;
      }
      DatagramChannel ch = channels.get(id);
      for (int i = 0; i < DRAIN_BATCH; i++) {
        rx.clear();
        SocketAddress from;
        try {
          from = ch.receive(rx);
        } catch (IOException e) {
          break;
        }
        if (from == null) {
          break;
        }
        rx.flip();
        n++;
        receivedPerSocket[id]++;
        if (LatencyProbe.ENABLED) {
          LatencyProbe.received();
        }
        receiver.received(id, (InetSocketAddress) from, rx);
      }
    }
    return n;
  }

  @Override
  public void close() {
    for (DatagramChannel c : channels) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(DatagramChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing: nothing useful to do
    }
  }

  /** {@code ip/port} in ZeroTier's style. */
  static String format(InetSocketAddress a) {
    InetAddress ip = a.getAddress();
    String host = ip == null ? a.getHostString() : ip.getHostAddress();
    int pct = host.indexOf('%');
    if (pct >= 0 && ip instanceof Inet6Address) {
      host = host.substring(0, pct);
    }
    return host + "/" + a.getPort();
  }

  static boolean isV4(InetSocketAddress a) {
    return a.getAddress() instanceof Inet4Address;
  }
}

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
 * <p>Owned by the node loop thread: {@link #send} and {@link #drain} are called only there.
 * {@link #close} may be called once the loop has stopped.
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

  private final List<DatagramChannel> channels;
  private final List<InetSocketAddress> locals;
  private final ByteBuffer rx = ByteBuffer.allocateDirect(MAX_DATAGRAM);
  private long sendFailures;

  private UdpTransport(List<DatagramChannel> channels, List<InetSocketAddress> locals) {
    this.channels = channels;
    this.locals = locals;
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
        ProtocolFamily fam = a.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel ch = DatagramChannel.open(fam);
        chans.add(ch);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        try {
          ch.bind(want);
        } catch (IOException e) {
          throw new IOException("cannot bind UDP " + format(want) + ": " + e.getMessage(), e);
        }
        ch.configureBlocking(false);
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
    return new UdpTransport(chans, locals);
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
    try {
      if (channels.get(id).send(data, to) > 0) {
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

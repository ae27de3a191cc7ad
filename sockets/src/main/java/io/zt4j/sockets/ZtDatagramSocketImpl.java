package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.runtime.driver.UdpConnection;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocketImpl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Set;

/**
 * The {@link DatagramSocketImpl} behind {@link ZeroTierDatagramSocket}: a UDP socket on the
 * virtual network's stack through a {@link UdpConnection}.
 *
 * <p>A received datagram fills the packet's whole buffer from its offset at most (the JDK keeps
 * a packet's original capacity in a field only its own implementations can see; using the buffer
 * keeps the usual "reuse one packet in a receive loop" pattern working), longer datagrams are
 * truncated as with the JDK.
 */
final class ZtDatagramSocketImpl extends DatagramSocketImpl {
  private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
      StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_BROADCAST,
      StandardSocketOptions.IP_TOS, StandardSocketOptions.IP_MULTICAST_TTL, StandardSocketOptions.IP_MULTICAST_LOOP);

  private final StackDriver driver;
  private volatile UdpConnection udp;
  private volatile int timeoutMillis;
  private boolean reuseAddress;
  private int receiveBuffer;
  private int sendBuffer;
  private int trafficClass;
  private int multicastTtl = 1;
  private volatile boolean closed;
  private UdpConnection.Datagram peeked;

  ZtDatagramSocketImpl(StackDriver driver) {
    this.driver = driver;
  }

  /** An implementation over the already bound UDP socket of a datagram channel (its adaptor). */
  ZtDatagramSocketImpl(StackDriver driver, UdpConnection adopted) {
    this.driver = driver;
    this.udp = adopted;
    this.localPort = adopted.localPort();
  }

  @Override
  protected void create() {}

  @Override
  protected void bind(int lport, InetAddress laddr) throws SocketException {
    UdpConnection adopted = udp;
    if (adopted != null) {
      if (lport == adopted.localPort() && !closed) {
        return; // the adaptor of a channel binds to where the channel is bound
      }
      throw new SocketException("Already bound");
    }
    try {
      UdpConnection u = driver.openUdp(laddr, lport, reuseAddress);
      if (receiveBuffer > 0) {
        u.receiveBufferBytes(receiveBuffer);
      }
      if (trafficClass != 0) {
        u.trafficClass(trafficClass);
      }
      u.multicastHopLimit(multicastTtl);
      udp = u;
      localPort = u.localPort();
    } catch (SocketException e) {
      throw e;
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  private UdpConnection bound() throws SocketException {
    UdpConnection u = udp;
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (u == null) {
      throw new SocketException("Not bound");
    }
    return u;
  }

  @Override
  protected void send(DatagramPacket p) throws IOException {
    UdpConnection u = bound();
    InetAddress a = p.getAddress();
    int port = p.getPort();
    if (a == null) {
      a = u.connectedAddress();
      port = u.connectedPort();
      if (a == null) {
        throw new IllegalArgumentException("Address not set");
      }
    }
    u.send(p.getData(), p.getOffset(), p.getLength(), a, port);
  }

  @Override
  protected void connect(InetAddress address, int port) throws SocketException {
    try {
      bound().connect(address, port);
    } catch (SocketException e) {
      throw e;
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }

  @Override
  protected void disconnect() {
    UdpConnection u = udp;
    if (u != null) {
      u.disconnect();
    }
  }

  private synchronized UdpConnection.Datagram next() throws IOException {
    UdpConnection.Datagram d = peeked;
    if (d != null) {
      peeked = null;
      return d;
    }
    return bound().receive(timeoutMillis);
  }

  @Override
  protected int peek(InetAddress i) throws IOException {
    UdpConnection.Datagram d = next();
    peeked = d;
    return d.port();
  }

  @Override
  protected int peekData(DatagramPacket p) throws IOException {
    UdpConnection.Datagram d = next();
    peeked = d;
    fill(p, d);
    return d.port();
  }

  @Override
  protected void receive(DatagramPacket p) throws IOException {
    fill(p, next());
  }

  private static void fill(DatagramPacket p, UdpConnection.Datagram d) {
    byte[] buf = p.getData();
    int n = Math.min(d.data().length, buf.length - p.getOffset());
    System.arraycopy(d.data(), 0, buf, p.getOffset(), n);
    p.setLength(n);
    p.setAddress(d.address());
    p.setPort(d.port());
  }

  @Override
  @Deprecated
  protected void setTTL(byte ttl) throws IOException {
    setTimeToLive(ttl & 0xFF);
  }

  @Override
  @Deprecated
  protected byte getTTL() {
    return (byte) multicastTtl;
  }

  @Override
  protected void setTimeToLive(int ttl) throws IOException {
    if (ttl < 0 || ttl > 255) {
      throw new IllegalArgumentException("ttl out of range");
    }
    multicastTtl = ttl;
    UdpConnection u = udp;
    if (u != null) {
      u.multicastHopLimit(ttl);
    }
  }

  @Override
  protected int getTimeToLive() {
    return multicastTtl;
  }

  @Override
  protected void join(InetAddress group) throws IOException {
    bound().joinGroup(group, 0);
  }

  @Override
  protected void leave(InetAddress group) throws IOException {
    bound().leaveGroup(group, 0);
  }

  @Override
  protected void joinGroup(SocketAddress group, NetworkInterface netIf) throws IOException {
    join(((InetSocketAddress) group).getAddress());
  }

  @Override
  protected void leaveGroup(SocketAddress group, NetworkInterface netIf) throws IOException {
    leave(((InetSocketAddress) group).getAddress());
  }

  @Override
  protected void close() {
    closed = true;
    UdpConnection u = udp;
    if (u != null) {
      u.close();
    }
  }

  @Override
  public void setOption(int optID, Object value) throws SocketException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    switch (optID) {
      case SO_TIMEOUT -> {
        int t = (Integer) value;
        if (t < 0) {
          throw new IllegalArgumentException("timeout < 0");
        }
        timeoutMillis = t;
      }
      case SO_REUSEADDR -> reuseAddress = (Boolean) value;
      case SO_BROADCAST -> {
        // always allowed on the virtual network
      }
      case SO_RCVBUF -> {
        receiveBuffer = (Integer) value;
        if (udp != null) {
          udp.receiveBufferBytes(receiveBuffer);
        }
      }
      case SO_SNDBUF -> sendBuffer = (Integer) value;
      case IP_TOS -> {
        trafficClass = (Integer) value & 0xFF;
        if (udp != null) {
          udp.trafficClass(trafficClass);
        }
      }
      case IP_MULTICAST_LOOP, IP_MULTICAST_IF, IP_MULTICAST_IF2 -> {
        // one virtual interface per network; routing picks it
      }
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
      case SO_BROADCAST -> true;
      case SO_RCVBUF -> receiveBuffer > 0 ? receiveBuffer : io.zt4j.stack.socket.udp.UdpSocket.DEFAULT_RECEIVE_BUFFER;
      case SO_SNDBUF -> sendBuffer > 0 ? sendBuffer : driver.options().udpTxBytes();
      case IP_TOS -> trafficClass;
      case IP_MULTICAST_LOOP -> false;
      case SO_BINDADDR -> udp != null ? udp.localAddress() : null;
      default -> throw new SocketException("Unknown option " + optID);
    };
  }

  @Override
  protected Set<SocketOption<?>> supportedOptions() {
    return OPTIONS;
  }

  @Override
  protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
    if (name == StandardSocketOptions.IP_MULTICAST_TTL) {
      setTimeToLive((Integer) value);
    } else if (name == StandardSocketOptions.IP_MULTICAST_LOOP) {
      setOption(IP_MULTICAST_LOOP, value);
    } else {
      setOption(SocketOptionIds.of(name), value);
    }
  }

  @SuppressWarnings("unchecked")
  @Override
  protected <T> T getOption(SocketOption<T> name) throws IOException {
    if (name == StandardSocketOptions.IP_MULTICAST_TTL) {
      return (T) Integer.valueOf(multicastTtl);
    } else if (name == StandardSocketOptions.IP_MULTICAST_LOOP) {
      return (T) Boolean.FALSE;
    }
    return (T) getOption(SocketOptionIds.of(name));
  }
}

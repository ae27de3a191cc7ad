package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A UDP {@link DatagramSocket} on a ZeroTier node's virtual networks: send/receive, connect,
 * {@code setSoTimeout} ({@link java.net.SocketTimeoutException} "Receive timed out"),
 * {@code SO_RCVBUF}, broadcast, and multicast through
 * {@link DatagramSocket#joinGroup(java.net.SocketAddress, java.net.NetworkInterface)} (the
 * interface argument may be null: the virtual network the group routes to is used).
 * UDP semantics are kept: datagrams a slow receiver cannot hold are dropped, never queued without
 * bound, and never reordered.
 */
public class ZeroTierDatagramSocket extends DatagramSocket {
  /** A socket on {@code node}'s virtual networks, bound to {@code port} (0: a free one) on all of them. */
  public ZeroTierDatagramSocket(ZeroTierNode node, int port) throws SocketException {
    this(node.driver(), port, null);
  }

  /** A socket on {@code node}'s virtual networks, bound to {@code laddr:port} ({@code laddr} null: all). */
  public ZeroTierDatagramSocket(ZeroTierNode node, int port, InetAddress laddr) throws SocketException {
    this(node.driver(), port, laddr);
  }

  /** A socket on a stack driven by {@code driver}, bound to {@code laddr:port}. */
  public ZeroTierDatagramSocket(StackDriver driver, int port, InetAddress laddr) throws SocketException {
    super(new ZtDatagramSocketImpl(driver));
    try {
      bind(new InetSocketAddress(laddr == null ? anyAddress() : laddr, port));
    } catch (SocketException e) {
      close();
      throw e;
    }
  }

  /** A socket over {@code impl}, bound to {@code local} (the adaptor of a datagram channel). */
  ZeroTierDatagramSocket(ZtDatagramSocketImpl impl, InetSocketAddress local) throws SocketException {
    super(impl);
    bind(local);
  }

  @Override
  public void send(DatagramPacket p) throws IOException {
    if (isClosed()) {
      throw new SocketException("Socket is closed");
    }
    super.send(p);
  }

  @Override
  public void receive(DatagramPacket p) throws IOException {
    if (isClosed()) {
      throw new SocketException("Socket is closed");
    }
    super.receive(p);
  }

  private static InetAddress anyAddress() throws SocketException {
    try {
      return InetAddress.getByAddress(new byte[4]);
    } catch (IOException e) {
      throw new SocketException(e.getMessage());
    }
  }
}

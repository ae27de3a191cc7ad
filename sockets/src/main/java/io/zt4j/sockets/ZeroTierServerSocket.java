package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * A TCP {@link ServerSocket} listening on a ZeroTier node's virtual networks (all of them, or
 * one address of one network). {@link #accept()} returns {@link ZeroTierSocket}s; its timeout
 * ({@code setSoTimeout}) throws {@link java.net.SocketTimeoutException} "Accept timed out", and
 * closing it wakes a blocked {@code accept} with "Socket closed", as with the JDK's sockets.
 * Port 0 picks an ephemeral port.
 */
public class ZeroTierServerSocket extends ServerSocket {
  private final StackDriver driver;

  /** An unbound server socket on {@code node}'s virtual networks (bind it with {@link #bind}). */
  public ZeroTierServerSocket(ZeroTierNode node) throws IOException {
    this(node.driver());
  }

  /** Listens on {@code port} (0: a free one) on all of {@code node}'s virtual networks. */
  public ZeroTierServerSocket(ZeroTierNode node, int port) throws IOException {
    this(node.driver(), port, 50, null);
  }

  /** Listens on {@code bindAddr:port} ({@code bindAddr} null: all of {@code node}'s virtual networks). */
  public ZeroTierServerSocket(ZeroTierNode node, int port, int backlog, InetAddress bindAddr) throws IOException {
    this(node.driver(), port, backlog, bindAddr);
  }

  /** An unbound server socket on a stack driven by {@code driver} (embedding without a node). */
  public ZeroTierServerSocket(StackDriver driver) throws IOException {
    super(new ZtServerSocketImpl(driver));
    this.driver = driver;
  }

  /** Listens on a stack driven by {@code driver} (embedding without a node). */
  public ZeroTierServerSocket(StackDriver driver, int port, int backlog, InetAddress bindAddr) throws IOException {
    this(driver);
    try {
      bind(new InetSocketAddress(bindAddr == null ? InetAddress.getByAddress(new byte[4]) : bindAddr, port), backlog);
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  @Override
  public Socket accept() throws IOException {
    if (isClosed()) {
      throw new SocketException("Socket is closed");
    }
    if (!isBound()) {
      throw new SocketException("Socket is not bound yet");
    }
    ZeroTierSocket s = new ZeroTierSocket(driver);
    implAccept(s);
    return s;
  }

  @Override
  public String toString() {
    if (!isBound()) {
      return "ZeroTierServerSocket[unbound]";
    }
    return "ZeroTierServerSocket[addr=" + getInetAddress() + ",localport=" + getLocalPort() + "]";
  }
}

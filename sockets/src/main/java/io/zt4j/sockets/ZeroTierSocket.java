package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A TCP {@link Socket} on a ZeroTier virtual network, served by the node's user-space stack in
 * this JVM (no operating-system socket is involved). Use it wherever a {@code java.net.Socket}
 * is expected: streams, {@code setSoTimeout}, connect timeouts, {@code TCP_NODELAY},
 * {@code SO_KEEPALIVE}, {@code SO_LINGER}, {@code SO_RCVBUF}/{@code SO_SNDBUF},
 * {@code shutdownInput}/{@code shutdownOutput} behave as with the JDK's sockets, and failures
 * throw the same exceptions with the same messages ({@link java.net.ConnectException} "Connection
 * refused", {@link java.net.SocketTimeoutException} "Read timed out", "Connection reset",
 * "Socket closed"…).
 *
 * <p>Addresses are the virtual network's (IP literals; there is no DNS on the virtual network, a
 * host name is resolved by the JDK's resolver). Blocking calls park the calling thread, which
 * makes them cheap on virtual threads. A socket may be used by one reading and one writing
 * thread at a time, and closed from any thread.
 */
public class ZeroTierSocket extends Socket {
  /** An unconnected socket on {@code node}'s virtual networks (connect it with {@link #connect}). */
  public ZeroTierSocket(ZeroTierNode node) throws IOException {
    this(node.driver());
  }

  /** A socket on {@code node}'s virtual networks, connected to {@code address:port}. */
  public ZeroTierSocket(ZeroTierNode node, InetAddress address, int port) throws IOException {
    this(node.driver());
    try {
      connect(new InetSocketAddress(address, port));
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * An unconnected socket on a stack driven by {@code driver} — for embedding the stack without a
   * ZeroTier node (tests, benchmarks, custom links).
   */
  public ZeroTierSocket(StackDriver driver) throws IOException {
    super(new ZtSocketImpl(driver));
  }

  /** A socket over a given implementation (the adaptor of a socket channel). */
  ZeroTierSocket(ZtSocketImpl impl) throws IOException {
    super(impl);
  }

  @Override
  public String toString() {
    if (isConnected()) {
      return "ZeroTierSocket[addr=" + getInetAddress() + ",port=" + getPort() + ",localport=" + getLocalPort() + "]";
    }
    return "ZeroTierSocket[unconnected]";
  }
}

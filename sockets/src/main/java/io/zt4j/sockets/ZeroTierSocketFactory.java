package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} whose sockets are {@link ZeroTierSocket}s: hand it to a library that
 * accepts a socket factory (JDBC drivers, HTTP clients, mail, SSH) and it talks over the virtual
 * network. For TLS, layer the JDK's {@link javax.net.ssl.SSLSocketFactory#createSocket(Socket,
 * String, int, boolean)} on a socket from here.
 */
public class ZeroTierSocketFactory extends SocketFactory {
  private final StackDriver driver;

  /** Sockets on {@code node}'s virtual networks. */
  public ZeroTierSocketFactory(ZeroTierNode node) {
    this(node.driver());
  }

  /** Sockets on a stack driven by {@code driver}. */
  public ZeroTierSocketFactory(StackDriver driver) {
    this.driver = driver;
  }

  /** An unconnected socket (libraries connect it themselves, with their timeouts). */
  @Override
  public Socket createSocket() throws IOException {
    return new ZeroTierSocket(driver);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connect(new InetSocketAddress(host, port), null, 0);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connect(new InetSocketAddress(host, port), localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connect(new InetSocketAddress(host, port), null, 0);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return connect(new InetSocketAddress(address, port), localAddress, localPort);
  }

  private Socket connect(InetSocketAddress to, InetAddress local, int localPort) throws IOException {
    Socket s = new ZeroTierSocket(driver);
    try {
      if (local != null || localPort != 0) {
        s.bind(new InetSocketAddress(local, localPort));
      }
      s.connect(to);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }
}

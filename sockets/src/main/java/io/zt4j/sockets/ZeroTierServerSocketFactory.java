package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ServerSocketFactory;

/**
 * A {@link ServerSocketFactory} whose server sockets are {@link ZeroTierServerSocket}s, for
 * servers that take a factory (embedded HTTP servers, RMI and the like).
 */
public class ZeroTierServerSocketFactory extends ServerSocketFactory {
  private final StackDriver driver;

  /** Server sockets on {@code node}'s virtual networks. */
  public ZeroTierServerSocketFactory(ZeroTierNode node) {
    this(node.driver());
  }

  /** Server sockets on a stack driven by {@code driver}. */
  public ZeroTierServerSocketFactory(StackDriver driver) {
    this.driver = driver;
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new ZeroTierServerSocket(driver);
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return new ZeroTierServerSocket(driver, port, 50, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    return new ZeroTierServerSocket(driver, port, backlog, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
    return new ZeroTierServerSocket(driver, port, backlog, ifAddress);
  }
}

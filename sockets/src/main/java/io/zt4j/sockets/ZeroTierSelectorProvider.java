package io.zt4j.sockets;

import io.zt4j.runtime.driver.StackDriver;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;

/**
 * The {@code java.nio} face of a ZeroTier node: a {@link SelectorProvider} whose channels live on
 * the node's virtual networks (its user-space TCP/IP stack) and whose selectors select over them.
 * Get it from {@link ZeroTierNode#selectorProvider()}, then use the ordinary NIO API:
 *
 * <pre>{@code
 * SelectorProvider nio = node.selectorProvider();
 * Selector selector = nio.openSelector();
 * ServerSocketChannel server = nio.openServerSocketChannel();
 * server.bind(new InetSocketAddress(7000)).configureBlocking(false);
 * server.register(selector, SelectionKey.OP_ACCEPT);
 * }</pre>
 *
 * Frameworks that take a provider (Netty's {@code NioEventLoopGroup(n, executor, provider)},
 * for example) run on the virtual network with it.
 *
 * <p>Channels are {@link SocketChannel}, {@link ServerSocketChannel} and {@link DatagramChannel}
 * subclasses with the JDK's semantics: blocking and non-blocking mode, non-blocking connect
 * ({@code OP_CONNECT}, {@code finishConnect}), scatter/gather, shutdown, options
 * ({@code TCP_NODELAY}, {@code SO_KEEPALIVE}, {@code SO_RCVBUF}/{@code SO_SNDBUF},
 * {@code SO_LINGER}, {@code SO_REUSEADDR}), asynchronous close
 * ({@link java.nio.channels.AsynchronousCloseException}) and interrupts
 * ({@link java.nio.channels.ClosedByInterruptException}), {@code socket()} adaptors that are
 * {@link ZeroTierSocket}, {@link ZeroTierServerSocket} and {@code DatagramSocket}s, and the same
 * exceptions as the JDK's channels. A selector of this provider selects only channels of this
 * provider (others: {@link java.nio.channels.IllegalSelectorException}), and this provider's
 * channels register only with its selectors. Readiness comes from the stack driver's connection
 * state changes, which wake a blocked {@code select} at once — there is no polling interval.
 *
 * <p>{@link #openPipe()} and {@link #inheritedChannel()} are not part of a virtual network:
 * the first throws {@link UnsupportedOperationException}, the second returns null.
 *
 * <p>Thread-safe; one provider per node (or per {@link StackDriver} when embedding a stack).
 */
public final class ZeroTierSelectorProvider extends SelectorProvider {
  private final StackDriver driver;

  /** The provider of a stack driven by {@code driver} (embedding a stack without a node). */
  public ZeroTierSelectorProvider(StackDriver driver) {
    this.driver = Objects.requireNonNull(driver, "driver");
  }

  StackDriver driver() {
    return driver;
  }

  @Override
  public DatagramChannel openDatagramChannel() throws IOException {
    return new ZtDatagramChannel(this, null);
  }

  @Override
  public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
    return new ZtDatagramChannel(this, checkFamily(family));
  }

  /** Not supported: a pipe is not on a virtual network (use the default provider's). */
  @Override
  public Pipe openPipe() {
    throw new UnsupportedOperationException("pipes are not on a virtual network; use SelectorProvider.provider()");
  }

  @Override
  public AbstractSelector openSelector() {
    return new ZtSelector(this);
  }

  @Override
  public ServerSocketChannel openServerSocketChannel() throws IOException {
    return new ZtServerSocketChannel(this);
  }

  @Override
  public SocketChannel openSocketChannel() throws IOException {
    return new ZtSocketChannel(this);
  }

  @Override
  public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
    checkFamily(family);
    return new ZtSocketChannel(this);
  }

  @Override
  public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
    checkFamily(family);
    return new ZtServerSocketChannel(this);
  }

  private static ProtocolFamily checkFamily(ProtocolFamily family) {
    Objects.requireNonNull(family, "family");
    if (family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
      throw new UnsupportedOperationException("Protocol family not supported");
    }
    return family;
  }

  /** Always null: a virtual network has no inherited channel. */
  @Override
  public Channel inheritedChannel() {
    return null;
  }

  @Override
  public String toString() {
    return "ZeroTierSelectorProvider[" + driver + "]";
  }
}

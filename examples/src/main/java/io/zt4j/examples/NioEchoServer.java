package io.zt4j.examples;

import io.zt4j.sockets.ZeroTierNetwork;
import io.zt4j.sockets.ZeroTierNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;

/**
 * TCP echo server on a virtual network with {@code java.nio}: one thread, one {@link Selector},
 * non-blocking channels from the node's {@link SelectorProvider} — the shape of most NIO servers.
 * {@link EchoClient} talks to it like to {@link EchoServer}.
 *
 * <pre>
 *   NioEchoServer &lt;state-dir&gt; &lt;network-id&gt; [planet-file]
 * </pre>
 */
public final class NioEchoServer {
  private NioEchoServer() {}

  /** Starts a node, joins the network and serves echo on {@link EchoServer#PORT} until killed. */
  public static void main(String[] args) throws Exception {
    ZeroTierNode.Builder builder = ZeroTierNode.builder().storage(Path.of(args[0]));
    if (args.length > 2) {
      builder.planet(Path.of(args[2])).loopbackOnly().port(0); // a private planet on this machine
    }
    try (ZeroTierNode node = builder.build().start()) {
      node.join(args[1]);
      ZeroTierNetwork network = node.awaitNetworkReady(args[1], Duration.ofMinutes(2));
      System.out.println("node " + node.nodeId() + " serving echo (NIO) on " + network.addresses() + " port "
          + EchoServer.PORT);
      SelectorProvider nio = node.selectorProvider();
      try (Selector selector = nio.openSelector();
          ServerSocketChannel server = nio.openServerSocketChannel().bind(new InetSocketAddress(EchoServer.PORT))) {
        serve(selector, server);
      }
    }
  }

  /** Serves echo on {@code server} until {@code selector} is closed (from another thread). */
  public static void serve(Selector selector, ServerSocketChannel server) throws IOException {
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    try {
      while (true) {
        selector.select();
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          try {
            if (key.isAcceptable()) {
              SocketChannel client = server.accept();
              if (client != null) {
                client.configureBlocking(false);
                client.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(8192));
              }
            } else {
              echo(key);
            }
          } catch (IOException e) {
            key.channel().close(); // reset by the peer, or similar: drop this client
          }
        }
      }
    } catch (ClosedSelectorException closed) {
      // stopped
    }
  }

  /** Reads what arrived and writes it back; waits for OP_WRITE while the peer does not keep up. */
  private static void echo(SelectionKey key) throws IOException {
    SocketChannel client = (SocketChannel) key.channel();
    ByteBuffer buffer = (ByteBuffer) key.attachment();
    if (key.isReadable() && client.read(buffer) < 0) {
      client.close(); // the client finished
      return;
    }
    buffer.flip();
    client.write(buffer);
    buffer.compact();
    // unwritten bytes left: stop reading until the channel is writable again
    key.interestOps(buffer.position() > 0 ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }
}

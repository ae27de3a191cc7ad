package io.zt4j.examples;

import io.zt4j.sockets.ZeroTierNetwork;
import io.zt4j.sockets.ZeroTierNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * TCP echo server on a virtual network (the server half of the client/server pair; see
 * {@link EchoClient}): every byte a client sends comes back.
 *
 * <pre>
 *   EchoServer &lt;state-dir&gt; &lt;network-id&gt; [planet-file]
 * </pre>
 */
public final class EchoServer {
  /** The echo port (RFC 862). */
  public static final int PORT = 7;

  private EchoServer() {}

  /** Starts a node, joins the network and serves echo on {@link #PORT} until killed. */
  public static void main(String[] args) throws Exception {
    ZeroTierNode.Builder builder = ZeroTierNode.builder().storage(Path.of(args[0]));
    if (args.length > 2) {
      builder.planet(Path.of(args[2])).loopbackOnly().port(0); // a private planet on this machine
    }
    try (ZeroTierNode node = builder.build().start()) {
      node.join(args[1]);
      ZeroTierNetwork network = node.awaitNetworkReady(args[1], Duration.ofMinutes(2));
      System.out.println("node " + node.nodeId() + " serving echo on " + network.addresses() + " port " + PORT);
      try (ServerSocket server = node.serverSocket(PORT)) {
        serve(server);
      }
    }
  }

  /**
   * Accepts connections until {@code server} is closed, echoing each on its own thread. Returns
   * when the server socket is closed.
   */
  public static void serve(ServerSocket server) {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        return;
      }
      Thread t = new Thread(() -> echo(client), "echo-" + client.getRemoteSocketAddress());
      t.setDaemon(true);
      t.start();
    }
  }

  private static void echo(Socket client) {
    try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      System.err.println("echo " + client.getRemoteSocketAddress() + ": " + e.getMessage());
    }
  }
}

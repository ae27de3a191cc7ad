package io.zt4j.examples;

import io.zt4j.sockets.ZeroTierNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * TCP echo client on a virtual network (the client half of the pair; see {@link EchoServer}):
 * sends a line, prints what comes back.
 *
 * <pre>
 *   EchoClient &lt;state-dir&gt; &lt;network-id&gt; &lt;server-ip&gt; &lt;message&gt; [planet-file]
 * </pre>
 */
public final class EchoClient {
  private EchoClient() {}

  /** Starts a node, joins the network and echoes the message through the server. */
  public static void main(String[] args) throws Exception {
    ZeroTierNode.Builder builder = ZeroTierNode.builder().storage(Path.of(args[0]));
    if (args.length > 4) {
      builder.planet(Path.of(args[4])).loopbackOnly().port(0); // a private planet on this machine
    }
    try (ZeroTierNode node = builder.build().start()) {
      node.join(args[1]);
      node.awaitNetworkReady(args[1], Duration.ofMinutes(2));
      System.out.println(echo(node, InetAddress.getByName(args[2]), args[3]));
    }
  }

  /** Sends {@code line} to the echo server at {@code server} and returns the line it echoes. */
  public static String echo(ZeroTierNode node, InetAddress server, String line) throws IOException {
    try (Socket socket = node.socket()) {
      socket.connect(new java.net.InetSocketAddress(server, EchoServer.PORT), 10_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      return in.readLine();
    }
  }
}

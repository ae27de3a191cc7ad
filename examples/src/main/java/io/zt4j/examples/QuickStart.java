package io.zt4j.examples;

import io.zt4j.sockets.ZeroTierNetwork;
import io.zt4j.sockets.ZeroTierNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's "Using zt4j in your app" sample: start a node, join a network, wait until it has
 * an address, then talk to another member over an ordinary {@link Socket} (the {@link EchoServer}
 * example on that member).
 *
 * <pre>
 *   QuickStart &lt;state-dir&gt; &lt;network-id&gt; &lt;echo-server-ip&gt; [planet-file]
 * </pre>
 */
public final class QuickStart {
  private QuickStart() {}

  /** Runs the sample with the command-line arguments above. */
  public static void main(String[] args) throws Exception {
    ZeroTierNode.Builder builder = ZeroTierNode.builder()
        .storage(Path.of(args[0]));          // identity and joined networks survive restarts
    if (args.length > 3) {
      // a private planet whose root runs on this machine (default: ZeroTier's roots)
      builder.planet(Path.of(args[3])).loopbackOnly().port(0);
    }
    run(builder, args[1], InetAddress.getByName(args[2]));
  }

  /** Starts a node from {@code builder}, joins {@code networkId} and echoes a line through {@code peer}. */
  public static String run(ZeroTierNode.Builder builder, String networkId, InetAddress peer) throws Exception {
    try (ZeroTierNode node = builder.build().start()) {
      node.join(networkId);                  // 16 hex digits, e.g. "8056c2e21c000001"
      ZeroTierNetwork network = node.awaitNetworkReady(networkId, Duration.ofMinutes(2));
      System.out.println("node " + node.nodeId() + " has " + network.addresses());

      // ordinary java.net sockets, over the virtual network
      try (Socket socket = node.socket(peer, EchoServer.PORT)) {
        OutputStream out = socket.getOutputStream();
        out.write("hello over ZeroTier\n".getBytes(StandardCharsets.UTF_8));
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String reply = in.readLine();
        System.out.println(peer.getHostAddress() + " echoed: " + reply);
        return reply;
      }
    }
  }
}

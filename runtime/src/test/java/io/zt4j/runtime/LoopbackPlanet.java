package io.zt4j.runtime;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.net.InetSocketAddress;
import java.util.List;

/** A private planet whose root runs in this JVM on 127.0.0.1 (an ephemeral port). */
final class LoopbackPlanet implements AutoCloseable {
  final World planet;
  final NodeRunner root;

  LoopbackPlanet() throws Exception {
    List<Identity> ids = NodeRunnerTest.identities();
    int port;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(NodeRunnerTest.loopback(0))) {
      port = probe.getLocalPort();
    }
    Identity rootId = ids.get(0);
    planet = World.make(World.Type.PLANET, 0x5eed1234L, 1000L, ids.get(5).publicKey(),
        List.of(new World.Root(rootId.withoutPrivateKey(), List.of(InetAddress.fromString("127.0.0.1/" + port).orElseThrow()))),
        ids.get(5).privateKey().orElseThrow());
    root = NodeRunner.start(new NodeRunner.Options().identity(rootId).planet(planet).bind(NodeRunnerTest.loopback(port))
        .allowLoopbackPaths(true).name("test-root"));
  }

  NodeRunner.Options member(String name) throws Exception {
    return new NodeRunner.Options().planet(planet).bind(NodeRunnerTest.loopback(0)).allowLoopbackPaths(true).name(name);
  }

  static InetSocketAddress any() throws Exception {
    return NodeRunnerTest.loopback(0);
  }

  @Override
  public void close() {
    root.close();
  }
}

package io.zt4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.TrustedPath;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl1.Vl1Counters;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Trusted paths configured through {@link NodeRunner.Options#trustedPath} on real loopback UDP:
 * a root and two nodes that all trust 127.0.0.0/8 with one id come online and exchange messages
 * with no crypto (WHOIS through the root included: its OK must be accepted as a reply); a node
 * without that configuration is online (HELLOs and their OKs are always armoured) but drops the
 * suite-2 packets relayed to it as untrusted.
 */
class TrustedPathLoopbackTest {
  static final TrustedPath LOOPBACK = TrustedPath.parse("127.0.0.0/8=0x5eed").orElseThrow();

  static Vl1Counters.Snapshot counters(NodeRunner r) {
    return r.call(n -> n.counters());
  }

  @Test
  void nodesTrustingLoopbackTalkAndAnOutsiderDropsTheirPackets() throws Exception {
    List<Identity> ids = NodeRunnerTest.identities();
    Identity rootId = ids.get(0);
    int port;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(NodeRunnerTest.loopback(0))) {
      port = probe.getLocalPort();
    }
    World planet = World.make(World.Type.PLANET, 0x7a11L, 1000L, ids.get(5).publicKey(),
        List.of(new World.Root(rootId.withoutPrivateKey(), List.of(InetAddress.fromString("127.0.0.1/" + port).orElseThrow()))),
        ids.get(5).privateKey().orElseThrow());
    List<NodeEvent> bEvents = new CopyOnWriteArrayList<>();
    List<NodeEvent> outsiderEvents = new CopyOnWriteArrayList<>();
    try (NodeRunner root = NodeRunner.start(new NodeRunner.Options().identity(rootId).planet(planet)
            .bind(NodeRunnerTest.loopback(port)).allowLoopbackPaths(true).trustedPath(LOOPBACK).name("trusted-root"));
        NodeRunner a = NodeRunner.start(new NodeRunner.Options().identity(ids.get(1)).planet(planet)
            .bind(NodeRunnerTest.loopback(0)).allowLoopbackPaths(true).trustedPath(LOOPBACK).name("trusted-a"));
        NodeRunner b = NodeRunner.start(new NodeRunner.Options().identity(ids.get(2)).planet(planet)
            .bind(NodeRunnerTest.loopback(0)).allowLoopbackPaths(true).trustedPath(LOOPBACK).listener(bEvents::add)
            .name("trusted-b"));
        NodeRunner outsider = NodeRunner.start(new NodeRunner.Options().identity(ids.get(3)).planet(planet)
            .bind(NodeRunnerTest.loopback(0)).allowLoopbackPaths(true).listener(outsiderEvents::add).name("untrusting-c"))) {
      assertThat(a.awaitOnline(Duration.ofSeconds(20))).isTrue();
      assertThat(b.awaitOnline(Duration.ofSeconds(20))).isTrue();
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() < deadline && bEvents.stream().noneMatch(e -> e instanceof NodeEvent.UserMessage)) {
        a.sendUserMessage(b.address(), 7, "in the clear".getBytes(StandardCharsets.UTF_8));
        Thread.sleep(100);
      }
      assertThat(bEvents).anyMatch(e -> e instanceof NodeEvent.UserMessage m && m.origin().equals(a.address())
          && new String(m.data(), StandardCharsets.UTF_8).equals("in the clear"));
      for (NodeRunner r : List.of(root, a, b)) {
        assertThat(counters(r).drops(Vl1Counters.Drop.UNTRUSTED_PATH)).as(r.toString()).isZero();
        assertThat(counters(r).drops(Vl1Counters.Drop.AUTHENTICATION_FAILED)).as(r.toString()).isZero();
        assertThat(counters(r).drops(Vl1Counters.Drop.UNEXPECTED_REPLY)).as(r.toString()).isZero();
      }
      // The outsider is online (HELLO and its OK are always armoured), but what a sends it goes
      // as suite 2 through the trusted root, and the outsider drops it as untrusted.
      assertThat(outsider.awaitOnline(Duration.ofSeconds(20))).isTrue();
      deadline = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() < deadline && counters(outsider).drops(Vl1Counters.Drop.UNTRUSTED_PATH) == 0) {
        a.sendUserMessage(outsider.address(), 7, "not for you".getBytes(StandardCharsets.UTF_8));
        Thread.sleep(100);
      }
      assertThat(counters(outsider).drops(Vl1Counters.Drop.UNTRUSTED_PATH)).isPositive();
      assertThat(outsiderEvents).noneMatch(e -> e instanceof NodeEvent.UserMessage);
    }
  }
}

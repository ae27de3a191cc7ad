package io.zt4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.PeerInfo;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real UDP on 127.0.0.1: a root and two nodes in one JVM, each with its own loop thread. */
class NodeRunnerTest {
  @TempDir Path tmp;

  static List<Identity> identities() throws IOException {
    List<Identity> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        NodeRunnerTest.class.getResourceAsStream("identities.txt"), StandardCharsets.US_ASCII))) {
      for (String l; (l = r.readLine()) != null; ) {
        out.add(Identity.fromString(l.strip()).orElseThrow());
      }
    }
    return out;
  }

  static InetSocketAddress loopback(int port) throws IOException {
    return new InetSocketAddress(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
  }

  StateDirectory home(String name, Identity id) {
    StateDirectory d = StateDirectory.open(tmp.resolve(name));
    if (id != null) {
      d.write(StateObject.IDENTITY_SECRET, 0, id.toString(true).getBytes(StandardCharsets.US_ASCII));
    }
    return d;
  }

  @Test
  void rootAndTwoNodesOnLoopbackGoOnlineExchangeMessagesAndGoDirect() throws Exception {
    List<Identity> ids = identities();
    Identity rootId = ids.get(0);
    // The root must listen where the planet says: bind an ephemeral port first, then make the planet.
    StateDirectory rootHome = home("root", rootId);
    List<NodeEvent> rootEvents = new CopyOnWriteArrayList<>();
    int rootPort;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(loopback(0))) {
      rootPort = probe.getLocalPort();
    }
    World planet = World.make(World.Type.PLANET, 0x1234abcdL, 1000L, ids.get(5).publicKey(),
        List.of(new World.Root(rootId.withoutPrivateKey(), List.of(InetAddress.fromString("127.0.0.1/" + rootPort).orElseThrow()))),
        ids.get(5).privateKey().orElseThrow());
    rootHome.write(StateObject.PLANET, planet.id(), planet.serialize());

    NodeRunner root = NodeRunner.start(new NodeRunner.Options().home(rootHome).bind(loopback(rootPort))
        .allowLoopbackPaths(true).listener(rootEvents::add).name("root"));
    List<NodeEvent> aEvents = new CopyOnWriteArrayList<>();
    List<NodeEvent> bEvents = new CopyOnWriteArrayList<>();
    NodeRunner a = NodeRunner.start(new NodeRunner.Options().home(home("a", ids.get(1))).planet(planet)
        .bind(loopback(0)).allowLoopbackPaths(true).listener(aEvents::add).name("a"));
    NodeRunner b = NodeRunner.start(new NodeRunner.Options().home(home("b", ids.get(2))).planet(planet)
        .bind(loopback(0)).allowLoopbackPaths(true).listener(bEvents::add).name("b"));
    try {
      long t0 = System.nanoTime();
      assertThat(root.status().root()).isTrue();
      assertThat(a.awaitOnline(Duration.ofSeconds(10))).isTrue();
      assertThat(b.awaitOnline(Duration.ofSeconds(10))).isTrue();
      System.out.printf("online after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

      long deadline = System.currentTimeMillis() + 15_000;
      boolean direct = false;
      while (System.currentTimeMillis() < deadline && !direct) {
        a.sendUserMessage(b.address(), 7, "hi".getBytes(StandardCharsets.UTF_8));
        b.sendUserMessage(a.address(), 7, "ho".getBytes(StandardCharsets.UTF_8));
        Thread.sleep(100);
        direct = a.peers().stream().anyMatch(p -> p.address().equals(b.address()) && p.direct())
            && b.peers().stream().anyMatch(p -> p.address().equals(a.address()) && p.direct());
      }
      assertThat(direct).isTrue();
      System.out.printf("direct after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      assertThat(bEvents).anyMatch(e -> e instanceof NodeEvent.UserMessage m && m.origin().equals(a.address())
          && new String(m.data(), StandardCharsets.UTF_8).equals("hi"));
      PeerInfo rootSeenByA = a.peers().stream().filter(p -> p.role() == PeerInfo.Role.PLANET).findFirst().orElseThrow();
      assertThat(rootSeenByA.address()).isEqualTo(rootId.address());
      assertThat(rootSeenByA.version()).isEqualTo("1.14.1");
      assertThat(rootSeenByA.paths()).anyMatch(p -> p.address().toString().equals("127.0.0.1/" + rootPort));
    } finally {
      a.close();
      b.close();
      root.close();
    }
    assertThat(a.failure()).isEmpty();
    // Closing wrote the peer cache; the identity stayed.
    assertThat(Files.list(tmp.resolve("a/peers.d")).map(p -> p.getFileName().toString()))
        .contains(b.address() + ".peer", rootId.address() + ".peer");
    assertThat(Files.readString(tmp.resolve("a/identity.public"))).isEqualTo(ids.get(1).toString(false));
  }

  @Test
  void aNodeWithoutIdentityMakesOneAndKeepsItAcrossRestarts() throws Exception {
    StateDirectory home = home("fresh", null);
    World planet = World.make(World.Type.PLANET, 77L, 1L, identities().get(5).publicKey(), List.of(),
        identities().get(5).privateKey().orElseThrow());
    String first;
    try (NodeRunner n = NodeRunner.start(new NodeRunner.Options().home(home).planet(planet).bind(loopback(0)))) {
      first = n.address().toString();
    }
    assertThat(Files.readString(tmp.resolve("fresh/identity.secret"))).startsWith(first + ":0:");
    try (NodeRunner n = NodeRunner.start(new NodeRunner.Options().home(home).planet(planet).bind(loopback(0)))) {
      assertThat(n.address().toString()).isEqualTo(first);
    }
  }

  @Test
  void aCorruptIdentityIsAnErrorNamingTheFile() throws Exception {
    StateDirectory home = home("bad", null);
    Files.writeString(tmp.resolve("bad/identity.secret"), "0123456789:0:nonsense");
    assertThatThrownBy(() -> NodeRunner.start(new NodeRunner.Options().home(home).bind(loopback(0))))
        .isInstanceOf(StateDirectory.StateFileException.class)
        .hasMessageContaining(tmp.resolve("bad/identity.secret").toString())
        .hasMessageContaining("not a ZeroTier identity");
    Files.write(tmp.resolve("bad/identity.secret"), identities().get(3).toString(true).getBytes(StandardCharsets.US_ASCII));
    Files.write(tmp.resolve("bad/planet"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> NodeRunner.start(new NodeRunner.Options().home(home).bind(loopback(0))))
        .isInstanceOf(StateDirectory.StateFileException.class)
        .hasMessageContaining(tmp.resolve("bad/planet").toString());
    // Nothing was overwritten.
    assertThat(Files.readAllBytes(tmp.resolve("bad/planet"))).containsExactly(1, 2, 3);
  }

  @Test
  void postRunsOnTheLoopLaterAndReportsFailuresWithoutStoppingIt() throws Exception {
    World planet = World.make(World.Type.PLANET, 78L, 1L, identities().get(5).publicKey(), List.of(),
        identities().get(5).privateKey().orElseThrow());
    NodeRunner r = NodeRunner.start(new NodeRunner.Options().identity(identities().get(3)).planet(planet)
        .bind(loopback(0)).allowLoopbackPaths(true).name("post-test"));
    try {
      java.util.concurrent.atomic.AtomicReference<String> thread = new java.util.concurrent.atomic.AtomicReference<>();
      java.util.concurrent.atomic.AtomicBoolean inline = new java.util.concurrent.atomic.AtomicBoolean(true);
      r.call(n -> {
        // posted from the loop thread itself: runs after this call returns, not inside it
        r.post(m -> thread.set(Thread.currentThread().getName()));
        inline.set(thread.get() != null);
        return null;
      });
      r.post(n -> {}).get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(inline.get()).as("not run inline").isFalse();
      assertThat(thread.get()).isEqualTo("post-test");
      var failed = r.post(n -> {
        throw new IllegalStateException("boom");
      });
      assertThatThrownBy(() -> failed.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .hasCauseInstanceOf(IllegalStateException.class);
      assertThat(r.<Object>call(n -> n.address())).as("the loop goes on").isEqualTo(identities().get(3).address());
      assertThat(r.failure()).isEmpty();
    } finally {
      r.close();
    }
    assertThatThrownBy(() -> r.post(n -> {}).get(10, java.util.concurrent.TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class);
  }
}

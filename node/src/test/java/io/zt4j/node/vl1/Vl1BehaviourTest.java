package io.zt4j.node.vl1;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.ProtocolVersion;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.sim.SimNode;
import io.zt4j.node.sim.TestIdentities;
import io.zt4j.node.sim.TestWorlds;
import io.zt4j.node.sim.TestWorlds.RootSpec;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.PacketArmor;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.SimNetwork;
import io.zt4j.testkit.simnet.SimSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * VL1 rules one packet at a time: HELLO refusals and collisions, OK filtering, WHOIS, relay
 * limits, cipher choice, rate limits, peer cache, planet and moon updates. Packets are crafted
 * with the same armour a peer would use and injected from a simulated host; replies are captured
 * on that host's socket.
 */
class Vl1BehaviourTest {
  static final Identity SIGNER = TestIdentities.get(0);
  static final Identity ROOT = TestIdentities.get(1);

  final SimNetwork net = new SimNetwork(3);
  final World planet = TestWorlds.planet(0x99L, 100L, SIGNER, new RootSpec(ROOT, "1.0.0.1/9993"));
  final List<byte[]> captured = new ArrayList<>();

  /** A bare socket we craft packets from, capturing what comes back. */
  SimSocket probe(String ip) {
    return net.internet().addHost("probe-" + ip, ip).bind(9993).onReceive((s, f, d) -> captured.add(d));
  }

  SimNode root() {
    return new SimNode(net, "root", net.internet().addHost("root", "1.0.0.1"), 9993, ROOT, planet, 1).start();
  }

  static InetSocketAddress at(String ipPort) {
    return SimNetwork.endpoint(ipPort.split("/")[0], Integer.parseInt(ipPort.split("/")[1]));
  }

  /** A HELLO from {@code from} to {@code to}, as ZeroTier builds it. */
  static PacketBuilder hello(Identity from, Identity to, int proto, long timestamp, InetAddress dest, long planetId, long planetTs) {
    PacketBuilder p = new PacketBuilder(to.address().toLong(), from.address().toLong(), Verbs.HELLO, new SplittableRandom(timestamp));
    p.u8(proto).u8(1).u8(14).u16(1).u64(timestamp).identity(from, false).inetAddress(dest).u64(planetId).u64(planetTs);
    int start = p.position();
    p.u16(0);
    PeerCipher c = new PeerCipher(from.agree(to).orElseThrow());
    c.cryptField(p, start, p.position() - start);
    c.armor(p, false, false);
    return p;
  }

  static byte[] bytes(PacketBuilder p) {
    return Arrays.copyOf(p.buffer(), p.size());
  }

  /** Dearmours a captured packet with the key {@code a} and {@code b} share; null if it does not authenticate. */
  static byte[] open(byte[] d, Identity a, Identity b) {
    byte[] c = d.clone();
    return new PacketArmor(a.agree(b).orElseThrow()).dearmor(c, 0, c.length) == PacketArmor.Result.OK ? c : null;
  }

  static Vl1Counters.Snapshot counters(SimNode n) {
    return n.node().counters();
  }

  @Test
  void helloIsAnsweredWithOkCarryingTimestampVersionAndTheSendersAddress() {
    SimNode root = root();
    Identity a = TestIdentities.get(10);
    SimSocket s = probe("2.0.0.2");
    s.send(at("1.0.0.1/9993"), bytes(hello(a, ROOT, 12, 123456789L, InetAddress.fromString("1.0.0.1/9993").orElseThrow(), 0x99, 100)));
    net.runFor(10);
    // An OK(HELLO) (cipher suite 1: our version was not known yet) and a HELLO to confirm the new path.
    byte[] ok = captured.stream().filter(d -> (d[18] >> 3 & 7) == 1).findFirst().orElseThrow();
    byte[] plain = open(ok, a, ROOT);
    assertThat(plain).isNotNull();
    PayloadReader r = new PayloadReader(plain, 28, plain.length - 28);
    assertThat(plain[27] & 0x1f).isEqualTo(Verbs.OK);
    assertThat(r.u8()).isEqualTo(Verbs.HELLO);
    r.u64();
    assertThat(r.u64()).isEqualTo(123456789L);
    assertThat(r.u8()).isEqualTo(ProtocolVersion.PROTOCOL);
    assertThat(new int[] {r.u8(), r.u8(), r.u16()}).containsExactly(1, 14, 1);
    assertThat(r.inetAddress()).isEqualTo(InetAddress.fromString("2.0.0.2/9993").orElseThrow());
    assertThat(r.u16()).isZero(); // its planet is current: no world update
    assertThat(captured).anyMatch(d -> (d[18] >> 3 & 7) == 0 && (d[27] & 0x1f) == Verbs.HELLO);
    assertThat(root.node().peers(root.now())).anyMatch(p -> p.address().equals(a.address()) && "1.14.1".equals(p.version()));
  }

  @Test
  void aHelloWithAnOlderPlanetGetsTheNewerOneAndTheNodeAdoptsIt() {
    World newer = TestWorlds.planet(0x99L, 200L, SIGNER, new RootSpec(ROOT, "1.0.0.1/9993"));
    SimNode root = new SimNode(net, "root", net.internet().addHost("root", "1.0.0.1"), 9993, ROOT, newer, 1).start();
    SimNode leaf = new SimNode(net, "leaf", net.internet().addHost("leaf", "2.0.0.2"), 9993, TestIdentities.get(10), planet, 2).start();
    net.runUntil(leaf::online, 10_000);
    net.runFor(100);
    assertThat(leaf.node().planet().timestamp()).isEqualTo(200L);
    assertThat(World.parse(leaf.state().get("PLANET")).value().timestamp()).isEqualTo(200L);
    // A forged update (not signed by the planet's key) is refused.
    World forged = TestWorlds.planet(0x99L, 300L, TestIdentities.get(11), new RootSpec(ROOT, "1.0.0.1/9993"));
    assertThat(leaf.node().planet().shouldBeReplacedBy(forged)).isFalse();
  }

  @Test
  void helloRefusals() {
    SimNode root = root();
    SimSocket s = probe("2.0.0.2");
    InetAddress dest = InetAddress.fromString("1.0.0.1/9993").orElseThrow();
    Identity a = TestIdentities.get(10);

    s.send(at("1.0.0.1/9993"), bytes(hello(a, ROOT, 3, 1, dest, 0x99, 100)));
    net.runFor(10);
    assertThat(counters(root).drops(Vl1Counters.Drop.UNSUPPORTED_VERSION)).isEqualTo(1);

    // Source address that is not the identity's.
    PacketBuilder p = hello(a, ROOT, 12, 2, dest, 0x99, 100);
    Address.write(TestIdentities.get(11).address().toLong(), p.buffer(), PacketBuilder.IDX_SOURCE);
    s.send(at("1.0.0.1/9993"), bytes(p));
    net.runFor(10);
    assertThat(counters(root).drops(Vl1Counters.Drop.INVALID_IDENTITY)).isEqualTo(1);

    // A flipped payload byte: the MAC fails.
    byte[] bad = bytes(hello(a, ROOT, 12, 3, dest, 0x99, 100));
    bad[40] ^= 1;
    s.send(at("1.0.0.1/9993"), bad);
    net.runFor(10);
    assertThat(counters(root).drops(Vl1Counters.Drop.AUTHENTICATION_FAILED)).isEqualTo(1);

    // An identity whose address is not derived from its key (a forged address): refused after the MAC check.
    Identity other = TestIdentities.get(12);
    Identity forged = Identity.of(Address.of(0x1122334455L), other.publicKey(), other.privateKey().orElseThrow());
    net.runFor(3_000); // past the per-source rate limit
    probe("3.0.0.3").send(at("1.0.0.1/9993"), bytes(hello(forged, ROOT, 12, 4, dest, 0x99, 100)));
    net.runFor(10);
    assertThat(counters(root).drops(Vl1Counters.Drop.INVALID_IDENTITY)).isEqualTo(2);
    assertThat(root.node().peers(root.now())).noneMatch(x -> x.address().toLong() == 0x1122334455L);
    assertThat(captured).isEmpty();
  }

  @Test
  void newIdentitiesFromOneSourceNetworkAreValidatedAtMostEveryTwoSeconds() {
    SimNode root = root();
    InetAddress dest = InetAddress.fromString("1.0.0.1/9993").orElseThrow();
    SimSocket s1 = probe("2.0.0.2");
    SimSocket s2 = probe("2.0.0.3"); // same /24
    s1.send(at("1.0.0.1/9993"), bytes(hello(TestIdentities.get(10), ROOT, 12, 1, dest, 0x99, 100)));
    s2.send(at("1.0.0.1/9993"), bytes(hello(TestIdentities.get(11), ROOT, 12, 2, dest, 0x99, 100)));
    net.runFor(10);
    assertThat(counters(root).drops(Vl1Counters.Drop.RATE_LIMITED)).isEqualTo(1);
    net.runFor(2_000);
    s2.send(at("1.0.0.1/9993"), bytes(hello(TestIdentities.get(11), ROOT, 12, 3, dest, 0x99, 100)));
    net.runFor(10);
    assertThat(root.node().peers(root.now())).anyMatch(p -> p.address().equals(TestIdentities.get(11).address()));
  }

  @Test
  void anotherIdentityWithAKnownAddressGetsIdentityCollisionAndThatIsFatalFromARoot() {
    SimNode root = root();
    Identity a = TestIdentities.get(10);
    SimNode leaf = new SimNode(net, "leaf", net.internet().addHost("leaf", "2.0.0.2"), 9993, a, planet, 2).start();
    net.runUntil(leaf::online, 10_000);
    // An impostor: a's address with another key pair (so it cannot derive the address).
    Identity other = TestIdentities.get(11);
    Identity impostor = Identity.of(a.address(), other.publicKey(), other.privateKey().orElseThrow());
    net.runFor(3_000);
    SimSocket s = probe("3.0.0.3");
    s.send(at("1.0.0.1/9993"), bytes(hello(impostor, ROOT, 12, 5, InetAddress.fromString("1.0.0.1/9993").orElseThrow(), 0x99, 100)));
    net.runFor(10);
    assertThat(counters(root).drops(Vl1Counters.Drop.IDENTITY_COLLISION)).isEqualTo(1);
    byte[] err = open(captured.get(0), impostor, ROOT);
    assertThat(err).isNotNull();
    assertThat(err[27] & 0x1f).isEqualTo(Verbs.ERROR);
    assertThat(err[28] & 0xff).isEqualTo(Verbs.HELLO);
    assertThat(err[37] & 0xff).isEqualTo(Verbs.ERROR_IDENTITY_COLLISION);

    // The same ERROR from its root (authenticated with the root's key) tells a leaf to stop.
    PacketBuilder e = new PacketBuilder(a.address().toLong(), ROOT.address().toLong(), Verbs.ERROR, new SplittableRandom(9));
    e.u8(Verbs.HELLO).u64(1).u8(Verbs.ERROR_IDENTITY_COLLISION);
    new PeerCipher(ROOT.agree(a).orElseThrow()).armor(e, true, true);
    probe("9.9.9.9").send(at("2.0.0.2/9993"), bytes(e));
    net.runFor(10);
    assertThat(leaf.events()).anyMatch(ev -> ev instanceof NodeEvent.IdentityCollision c && c.reportedBy().equals(ROOT.address()));
    // From a mere peer it means nothing.
    Identity peer = TestIdentities.get(12);
    probe("9.9.8.9").send(at("2.0.0.2/9993"), bytes(hello(peer, a, 12, 7, InetAddress.fromString("2.0.0.2/9993").orElseThrow(), 0x99, 100)));
    net.runFor(10);
    PacketBuilder e2 = new PacketBuilder(a.address().toLong(), peer.address().toLong(), Verbs.ERROR, new SplittableRandom(10));
    e2.u8(Verbs.HELLO).u64(1).u8(Verbs.ERROR_IDENTITY_COLLISION);
    new PeerCipher(peer.agree(a).orElseThrow()).armor(e2, true, false);
    leaf.events().clear();
    probe("9.9.7.9").send(at("2.0.0.2/9993"), bytes(e2));
    net.runFor(10);
    assertThat(counters(leaf).in(Verbs.ERROR)).isEqualTo(2);
    assertThat(leaf.events()).noneMatch(ev -> ev instanceof NodeEvent.IdentityCollision);
  }

  @Test
  void okForAPacketWeDidNotSendIsIgnored() {
    SimNode root = root();
    Identity a = TestIdentities.get(10);
    SimNode leaf = new SimNode(net, "leaf", net.internet().addHost("leaf", "2.0.0.2"), 9993, a, planet, 2).start();
    net.runUntil(leaf::online, 10_000);
    PacketBuilder ok = new PacketBuilder(a.address().toLong(), ROOT.address().toLong(), Verbs.OK, new SplittableRandom(5));
    ok.u8(Verbs.WHOIS).u64(0x0badc0ffee000000L).identity(TestIdentities.get(11), false);
    new PeerCipher(ROOT.agree(a).orElseThrow()).armor(ok, true, true);
    probe("9.9.9.9").send(at("2.0.0.2/9993"), bytes(ok));
    net.runFor(10);
    assertThat(counters(leaf).drops(Vl1Counters.Drop.UNEXPECTED_REPLY)).isEqualTo(1);
    assertThat(leaf.node().peers(leaf.now())).noneMatch(p -> p.address().equals(TestIdentities.get(11).address()));
  }

  @Test
  void cipherSuites() {
    SimNode root = root();
    Identity a = TestIdentities.get(10);
    SimNode leaf = new SimNode(net, "leaf", net.internet().addHost("leaf", "2.0.0.2"), 9993, a, planet, 2).start();
    List<Integer> suites = new ArrayList<>();
    net.runUntil(leaf::online, 10_000);
    // After the exchange both know each other's protocol (12): AES-GMAC-SIV from now on.
    Peer r = leaf.node().vl1().topology().peer(ROOT.address().toLong());
    assertThat(r.remoteProtocol()).isEqualTo(12);
    assertThat(r.useAes()).isTrue();
    PacketBuilder p = leaf.node().vl1().newPacket(ROOT.address().toLong(), Verbs.NOP);
    r.cipher().armor(p, true, r.useAes());
    suites.add(p.buffer()[18] >> 3 & 7);
    // A peer that announced protocol 11 gets Salsa20/12.
    r.setRemoteVersion(11, 1, 4, 7);
    PacketBuilder q = leaf.node().vl1().newPacket(ROOT.address().toLong(), Verbs.NOP);
    r.cipher().armor(q, true, r.useAes());
    suites.add(q.buffer()[18] >> 3 & 7);
    assertThat(suites).containsExactly(3, 1);
    // HELLO is always suite 0.
    PacketBuilder h = hello(TestIdentities.get(10), ROOT, 12, 1, InetAddress.NIL, 0, 0);
    assertThat(h.buffer()[18] >> 3 & 7).isZero();
  }

  @Test
  void whoisIsAnsweredByTheRootAndUnlocksQueuedPackets() {
    SimNode root = root();
    SimNode a = new SimNode(net, "a", net.internet().addHost("a", "2.0.0.2"), 9993, TestIdentities.get(10), planet, 2).start();
    SimNode b = new SimNode(net, "b", net.internet().addHost("b", "3.0.0.3"), 9993, TestIdentities.get(11), planet, 3).start();
    net.runUntil(() -> a.online() && b.online(), 10_000);
    a.send(b, 9, "queued until WHOIS answers");
    assertThat(a.node().vl1().outbound().queued()).isEqualTo(1);
    net.runFor(200);
    assertThat(a.node().vl1().outbound().queued()).isZero();
    assertThat(b.userMessages()).hasSize(1);
    assertThat(counters(root).in(Verbs.WHOIS)).isPositive();
  }

  @Test
  void relayingStopsAtThreeHopsAndNonRootsRelayOnlyOverTrustedPaths() {
    SimNode root = root();
    SimNode a = new SimNode(net, "a", net.internet().addHost("a", "2.0.0.2"), 9993, TestIdentities.get(10), planet, 2).start();
    net.runUntil(a::online, 10_000);
    // A packet for someone else with 3 hops already: the root refuses to forward it.
    PacketBuilder p = new PacketBuilder(TestIdentities.get(11).address().toLong(), TestIdentities.get(10).address().toLong(),
        Verbs.NOP, new SplittableRandom(1));
    p.buffer()[PacketBuilder.IDX_FLAGS] = 3;
    probe("7.0.0.7").send(at("1.0.0.1/9993"), bytes(p));
    net.runFor(10);
    assertThat(counters(root).drops(Vl1Counters.Drop.RELAY_MAX_HOPS)).isEqualTo(1);
    // A leaf relays nothing over a path without trust.
    probe("8.0.0.8").send(at("2.0.0.2/9993"), bytes(new PacketBuilder(TestIdentities.get(11).address().toLong(),
        TestIdentities.get(12).address().toLong(), Verbs.NOP, new SplittableRandom(2))));
    net.runFor(10);
    assertThat(counters(a).drops(Vl1Counters.Drop.RELAY_NOT_ALLOWED)).isEqualTo(1);
  }

  @Test
  void peersAreCachedAndTriedAgainAfterARestart() {
    SimNode root = root();
    Identity ida = TestIdentities.get(10);
    SimNode a = new SimNode(net, "a", net.internet().addHost("a", "2.0.0.2"), 9993, ida, planet, 2).start();
    SimNode b = new SimNode(net, "b", net.internet().addHost("b", "3.0.0.3"), 9993, TestIdentities.get(11), planet, 3).start();
    net.runUntil(() -> a.online() && b.online(), 10_000);
    for (int i = 0; i < 20 && !a.direct(b.address()); i++) {
      a.send(b, 1, "x");
      b.send(a, 1, "y");
      net.runFor(1_000);
    }
    assertThat(a.direct(b.address())).isTrue();
    a.stop();
    byte[] cached = a.state().get("PEER/" + Long.toHexString(b.address().toLong()));
    assertThat(cached).isNotNull();
    assertThat(cached[0]).isEqualTo((byte) 2);
    // A new node with a's state loads b from the cache when it needs it, and tries its old path at once.
    SimNode a2 = new SimNode(net, "a2", net.internet().addHost("a2", "2.0.0.3"), 9993, ida, planet, 4);
    a2.state().putAll(a.state());
    a2.start();
    net.runUntil(a2::online, 10_000);
    Peer loaded = a2.node().vl1().topology().peer(b.address().toLong());
    assertThat(loaded).isNotNull();
    assertThat(loaded.remoteProtocol()).isEqualTo(12);
    net.runFor(100);
    assertThat(a2.direct(b.address())).isTrue();
  }

  @Test
  void aCorruptPeerCacheEntryIsIgnoredAndCounted() {
    SimNode n = new SimNode(net, "n", net.internet().addHost("n", "2.0.0.2"), 9993, TestIdentities.get(10), planet, 2);
    n.state().put("PEER/" + Long.toHexString(TestIdentities.get(11).address().toLong()), new byte[] {2, 1, 2, 3});
    n.start();
    assertThat(n.node().vl1().topology().peer(TestIdentities.get(11).address().toLong())).isNull();
    assertThat(counters(n).drops(Vl1Counters.Drop.CORRUPT_PEER_CACHE)).isEqualTo(1);
  }

  @Test
  void moonsAreOrbitedThroughTheirSeedAndForgottenOnDeorbit() {
    Identity moonRoot = TestIdentities.get(20);
    World moon = TestWorlds.moon(0xabcdefL, 10L, moonRoot, new RootSpec(moonRoot, "4.0.0.4/9993"));
    root();
    SimNode mr = new SimNode(net, "moonroot", net.internet().addHost("mr", "4.0.0.4"), 9993, moonRoot, planet, 5);
    mr.state().put("MOON/" + Long.toHexString(moon.id()), moon.serialize());
    mr.start();
    mr.node().orbit(moon.id(), null, mr.now()); // it loads its own moon from its state
    assertThat(mr.node().moons()).hasSize(1);
    SimNode leaf = new SimNode(net, "leaf", net.internet().addHost("leaf", "2.0.0.2"), 9993, TestIdentities.get(10), planet, 2).start();
    net.runUntil(leaf::online, 10_000);
    leaf.node().orbit(moon.id(), moonRoot.address(), leaf.now());
    assertThat(net.runUntil(() -> !leaf.node().moons().isEmpty(), net.nowMillis() + 30_000)).isTrue();
    assertThat(leaf.state()).containsKey("MOON/" + Long.toHexString(moon.id()));
    assertThat(leaf.node().vl1().topology().role(moonRoot.address().toLong())).isEqualTo(Topology.Role.MOON);
    assertThat(leaf.node().vl1().topology().isUpstream(moonRoot.address().toLong())).isTrue();
    leaf.node().deorbit(moon.id(), leaf.now());
    assertThat(leaf.node().moons()).isEmpty();
    assertThat(leaf.state()).doesNotContainKey("MOON/" + Long.toHexString(moon.id()));
    assertThat(leaf.node().vl1().topology().isUpstream(moonRoot.address().toLong())).isFalse();
  }

  @Test
  void pushDirectPathsIsRateLimitedAndTriesAtMostEightAddressesPerScopeAndFamily() {
    root();
    Identity ia = TestIdentities.get(10);
    SimNode a = new SimNode(net, "a", net.internet().addHost("a", "2.0.0.2"), 9993, ia, planet, 2).start();
    net.runUntil(a::online, 10_000);
    // A peer introduces itself with HELLO, then pushes 12 addresses in one scope, ten times.
    Identity p = TestIdentities.get(11);
    SimSocket ps = probe("3.0.0.3");
    ps.send(at("2.0.0.2/9993"), bytes(hello(p, ia, 12, 1, InetAddress.fromString("2.0.0.2/9993").orElseThrow(), 0x99, 100)));
    net.runFor(10);
    List<InetSocketAddress> tried = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      net.internet().addHost("t" + i, "6.0.0." + i).bind(9993).onReceive((s2, f, d) -> tried.add(s2.localAddress()));
    }
    for (int round = 0; round < 10; round++) {
      PacketBuilder push = new PacketBuilder(ia.address().toLong(), p.address().toLong(), Verbs.PUSH_DIRECT_PATHS,
          new SplittableRandom(round));
      push.u16(12);
      for (int i = 1; i <= 12; i++) {
        push.u8(0).u16(0).u8(4).u8(6).bytes(new byte[] {6, 0, 0, (byte) i}).u16(9993);
      }
      new PeerCipher(p.agree(ia).orElseThrow()).armor(push, true, true);
      ps.send(at("2.0.0.2/9993"), bytes(push));
      net.runFor(10);
      if (round == 0) {
        // 6.0.0.0/8 is one (pseudo-private) scope: 8 of the 12 are tried.
        assertThat(tried).hasSize(8);
      }
    }
    // 8 pushes per 30 s are accepted: the 9th and 10th tried nothing.
    assertThat(tried).hasSize(8 * 8);
    assertThat(counters(a).drops(Vl1Counters.Drop.RATE_LIMITED)).isEqualTo(2);
  }

  /**
   * A node starting up sends its first WHOIS or config request right behind its first HELLO, and
   * they may arrive first: they wait for the HELLO's identity check and are answered as soon as it
   * passes, not at the next 500 ms queue check.
   */
  @Test
  void packetsThatArriveBeforeTheSendersHelloAreAnsweredOnceTheHelloIsVerified() {
    SimNode root = root();
    Identity a = TestIdentities.get(10);
    SimSocket s = probe("2.0.0.2");
    PacketBuilder e = new PacketBuilder(ROOT.address().toLong(), a.address().toLong(), Verbs.ECHO, new SplittableRandom(7));
    e.bytes(new byte[] {4, 5, 6});
    new PeerCipher(a.agree(ROOT).orElseThrow()).armor(e, true, true);
    s.send(at("1.0.0.1/9993"), bytes(e));
    s.send(at("1.0.0.1/9993"), bytes(hello(a, ROOT, 12, 1, InetAddress.fromString("1.0.0.1/9993").orElseThrow(), 0x99, 100)));
    net.runFor(50);
    assertThat(captured).anySatisfy(d -> {
      byte[] ok = open(d, a, ROOT);
      assertThat(ok).isNotNull();
      assertThat(ok[27] & 0x1f).isEqualTo(Verbs.OK);
      assertThat(ok[28] & 0xff).isEqualTo(Verbs.ECHO);
      assertThat(Arrays.copyOfRange(ok, 37, ok.length)).containsExactly(4, 5, 6);
    });
  }

  @Test
  void echoIsAnsweredAtMostSixTimesASecondPerPath() {
    SimNode root = root();
    Identity a = TestIdentities.get(10);
    SimSocket s = probe("2.0.0.2");
    s.send(at("1.0.0.1/9993"), bytes(hello(a, ROOT, 12, 1, InetAddress.fromString("1.0.0.1/9993").orElseThrow(), 0x99, 100)));
    net.runFor(10);
    captured.clear();
    for (int i = 0; i < 5; i++) {
      PacketBuilder e = new PacketBuilder(ROOT.address().toLong(), a.address().toLong(), Verbs.ECHO, new SplittableRandom(100 + i));
      e.bytes(new byte[] {1, 2, 3});
      new PeerCipher(a.agree(ROOT).orElseThrow()).armor(e, true, true);
      s.send(at("1.0.0.1/9993"), bytes(e));
    }
    net.runFor(10);
    assertThat(captured).hasSize(1);
    byte[] ok = open(captured.get(0), a, ROOT);
    assertThat(ok[27] & 0x1f).isEqualTo(Verbs.OK);
    assertThat(ok[28] & 0xff).isEqualTo(Verbs.ECHO);
    assertThat(Arrays.copyOfRange(ok, 37, ok.length)).containsExactly(1, 2, 3);
    assertThat(counters(root).drops(Vl1Counters.Drop.RATE_LIMITED)).isEqualTo(4);
  }

  @Test
  void identityAndPlanetAreStoredLikeZeroTierOne() {
    SimNode n = new SimNode(net, "n", net.internet().addHost("n", "2.0.0.2"), 9993, null, planet, 7).start();
    String secret = new String(n.state().get(StateObject.IDENTITY_SECRET.name()));
    Identity id = Identity.fromString(secret).orElseThrow();
    assertThat(id.hasPrivateKey()).isTrue();
    assertThat(id.address()).isEqualTo(n.address());
    assertThat(new String(n.state().get(StateObject.IDENTITY_PUBLIC.name()))).isEqualTo(id.toString(false));
  }

  @Test
  void largeMessagesAreFragmentedRelayedReassembledAndDeliveredIntact() {
    root();
    SimNode a = new SimNode(net, "a", net.internet().addHost("a", "2.0.0.2"), 9993, TestIdentities.get(10), planet, 2).start();
    SimNode b = new SimNode(net, "b", net.internet().addHost("b", "3.0.0.3"), 9993, TestIdentities.get(11), planet, 3).start();
    net.runUntil(() -> a.online() && b.online(), 10_000);
    byte[] big = new byte[8000];
    new SplittableRandom(1).nextBytes(big); // incompressible: 6 fragments
    a.node().sendUserMessage(b.address(), 77, big, a.now());
    net.runFor(500);
    assertThat(b.userMessages()).hasSize(1);
    assertThat(b.userMessages().get(0).data()).isEqualTo(big);
    // Again once direct.
    for (int i = 0; i < 10 && !a.direct(b.address()); i++) {
      a.send(b, 1, "x");
      b.send(a, 1, "y");
      net.runFor(1_000);
    }
    assertThat(a.direct(b.address())).isTrue();
    b.clearEvents();
    a.node().sendUserMessage(b.address(), 78, big, a.now());
    net.runFor(500);
    assertThat(b.userMessages()).hasSize(1);
    assertThat(b.userMessages().get(0).data()).isEqualTo(big);
  }

  /** A configured physical path MTU (ZeroTier One's "physical" setting) raises the fragment size. */
  @Test
  void aLargerPhysicalPathMtuSendsLargePacketsInOneDatagram() {
    root();
    SimNode a = new SimNode(net, "a", net.internet().addHost("a", "2.0.0.2"), 9993, TestIdentities.get(10), planet, 2,
        b -> b.physicalPathMtu(InetAddress.fromString("3.0.0.0/8").orElseThrow(), 9000)).start();
    SimNode b = new SimNode(net, "b", net.internet().addHost("b", "3.0.0.3"), 9993, TestIdentities.get(11), planet, 3).start();
    net.runUntil(() -> a.online() && b.online(), 10_000);
    for (int i = 0; i < 10 && !a.direct(b.address()); i++) {
      a.send(b, 1, "x");
      b.send(a, 1, "y");
      net.runFor(1_000);
    }
    assertThat(a.direct(b.address())).isTrue();
    byte[] big = new byte[8000];
    new SplittableRandom(1).nextBytes(big);
    b.clearEvents();
    long out = counters(a).datagramsOut();
    a.node().sendUserMessage(b.address(), 78, big, a.now());
    assertThat(counters(a).datagramsOut() - out).as("datagrams for an 8 KB message to 3/8").isEqualTo(1);
    net.runFor(500);
    assertThat(b.userMessages()).hasSize(1);
    assertThat(b.userMessages().get(0).data()).isEqualTo(big);
    // b has no such setting: its answer of the same size to a goes in 1432-byte fragments.
    out = counters(b).datagramsOut();
    b.node().sendUserMessage(a.address(), 79, big, b.now());
    assertThat(counters(b).datagramsOut() - out).isEqualTo(6);
  }

  @Test
  void dualStackNodesKeepAPathPerFamilyToTheirRoot() {
    World dual = TestWorlds.planet(0x98L, 100L, SIGNER, new RootSpec(ROOT, "1.0.0.1/9993", "2001:db8::1/9993"));
    SimNode root = new SimNode(net, "root", net.internet().addHost("root", "1.0.0.1", "2001:db8::1"), 9993, ROOT, dual, 1).start();
    SimNode a = new SimNode(net, "a", net.internet().addHost("a", "2.0.0.2", "2001:db8::2"), 9993, TestIdentities.get(10), dual, 2).start();
    net.runUntil(a::online, 10_000);
    net.runFor(6_000);
    assertThat(a.peer(ROOT.address()).orElseThrow().paths()).extracting(p -> p.address().toString())
        .contains("1.0.0.1/9993", "2001:db8::1/9993");
    assertThat(root.peer(a.address()).orElseThrow().paths()).extracting(p -> p.address().toString())
        .contains("2.0.0.2/9993", "2001:db8::2/9993");
  }

  @Test
  void packetsFromMadeUpSendersCannotFloodTheRootWithWhois() {
    SimNode root = root();
    SimNode a = new SimNode(net, "a", net.internet().addHost("a", "2.0.0.2"), 9993, TestIdentities.get(10), planet, 2).start();
    net.runUntil(a::online, 10_000);
    long whoisBefore = counters(a).out(Verbs.WHOIS);
    SimSocket s = probe("9.9.9.9");
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 3000; i++) {
      PacketBuilder p = new PacketBuilder(TestIdentities.get(10).address().toLong(), 0x0100000000L + i, Verbs.NOP, r);
      p.bytes(new byte[16]);
      s.send(at("2.0.0.2/9993"), bytes(p));
    }
    net.runFor(100);
    long whois = counters(a).out(Verbs.WHOIS) - whoisBefore;
    assertThat(whois).isLessThanOrEqualTo(Outbound.MAX_WHOIS_PENDING);
    assertThat(counters(a).drops(Vl1Counters.Drop.RATE_LIMITED)).isPositive();
    assertThat(a.node().vl1().inbound().waiting()).isLessThanOrEqualTo(Vl1Constants.RX_QUEUE_SIZE);
    assertThat(root).isNotNull();
  }
}

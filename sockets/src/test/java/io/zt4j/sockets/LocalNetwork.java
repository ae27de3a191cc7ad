package io.zt4j.sockets;

import io.zt4j.controller.ConfigIssuer;
import io.zt4j.controller.ControllerHook;
import io.zt4j.controller.NetworkController;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.store.MemoryStore;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.NodeRunner;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * A private ZeroTier planet in this JVM on 127.0.0.1: a root (its own planet, ephemeral port)
 * and a controller node serving a private network (IPv4 pool 10.147.17.0/24, RFC 4193 and
 * 6PLANE) from in-memory records.
 */
final class LocalNetwork implements AutoCloseable {
  static final SecureRandom RANDOM = new SecureRandom();
  final World planet;
  final NodeRunner root;
  final NodeRunner controllerNode;
  final NetworkController records;
  final ControllerHook hook;
  final long networkId;

  LocalNetwork() throws Exception {
    java.net.InetAddress lo = java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    int port;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(lo, 0))) {
      port = probe.getLocalPort();
    }
    Identity rootId = Identity.generate(RANDOM);
    planet = World.make(World.Type.PLANET, 0x7e57L, 1L, rootId.publicKey(),
        List.of(new World.Root(rootId.withoutPrivateKey(), List.of(InetAddress.fromString("127.0.0.1/" + port).orElseThrow()))),
        rootId.privateKey().orElseThrow());
    root = NodeRunner.start(new NodeRunner.Options().identity(rootId).planet(planet)
        .bind(new InetSocketAddress(lo, port)).allowLoopbackPaths(true).name("test-root"));
    Identity ctlId = Identity.generate(RANDOM);
    controllerNode = NodeRunner.start(new NodeRunner.Options().identity(ctlId).planet(planet)
        .bind(new InetSocketAddress(lo, 0)).allowLoopbackPaths(true).name("test-controller"));
    records = new NetworkController(ctlId.address().toLong(), new MemoryStore(), System::currentTimeMillis, RANDOM);
    ConfigIssuer issuer = new ConfigIssuer(records, ctlId);
    hook = controllerNode.call(n -> {
      ControllerHook h = new ControllerHook(issuer, n.vl2(), controllerNode::now);
      n.vl2().localController(h);
      return h;
    });
    networkId = records.createNetwork(RecordJson.MAPPER.readTree("{\"name\":\"test\",\"private\":true,"
        + "\"v4AssignMode\":{\"zt\":true},"
        + "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.147.17.1\",\"ipRangeEnd\":\"10.147.17.254\"}],"
        + "\"routes\":[{\"target\":\"10.147.17.0/24\"}],\"v6AssignMode\":{\"rfc4193\":true,\"6plane\":true}}")).id();
    if (!controllerNode.awaitOnline(Duration.ofSeconds(20))) {
      throw new IllegalStateException("controller node not online");
    }
  }

  /** A node builder for this planet: in memory, loopback only, a free port. */
  ZeroTierNode.Builder member(String name) {
    return ZeroTierNode.builder().planet(planet).loopbackOnly().port(0).name(name);
  }

  /** Authorizes a member and pushes what changed (on the controller node's thread). */
  void authorize(String nodeId) throws Exception {
    records.updateMember(networkId, Long.parseLong(nodeId, 16), RecordJson.MAPPER.readTree("{\"authorized\":true}"))
        .orElseThrow();
    controllerNode.call(n -> hook.flush());
  }

  @Override
  public void close() {
    controllerNode.close();
    root.close();
  }
}

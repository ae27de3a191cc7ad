package io.zt4j.service.demo;

import io.zt4j.controller.ConfigIssuer;
import io.zt4j.controller.ControllerHook;
import io.zt4j.controller.NetworkController;
import io.zt4j.controller.model.InvalidRequestException;
import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.store.MemoryStore;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.NodeRunner;
import io.zt4j.sockets.ZeroTierNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * A complete private ZeroTier network inside this JVM, on 127.0.0.1 only: a planet of our own
 * whose one root runs here (a free UDP port), and a controller node serving one private network
 * from in-memory records (IPv4 from {@link #POOL}, RFC 4193 and 6PLANE addresses). Nothing is
 * written to disk and nothing outside this machine is contacted.
 *
 * <p>Members are ordinary {@link ZeroTierNode}s built with {@link #member(String)} (this planet,
 * loopback only), in this JVM or — with {@link #planetBytes()} handed over — in another process
 * on this machine; {@link #authorize} admits them. Used by {@code zt4j demo}, the examples'
 * tests and end-to-end tests.
 *
 * <p>Thread-safe; the root and the controller each run on their own node loop thread.
 */
public final class PrivateNetwork implements AutoCloseable {
  /** The IPv4 range members get addresses from. */
  public static final String POOL = "10.147.17.0/24";

  private final World planet;
  private final NodeRunner root;
  private final NodeRunner controller;
  private final NetworkController records;
  private final ControllerHook hook;
  private final long networkId;

  private PrivateNetwork(World planet, NodeRunner root, NodeRunner controller, NetworkController records,
      ControllerHook hook, long networkId) {
    this.planet = planet;
    this.root = root;
    this.controller = controller;
    this.records = records;
    this.hook = hook;
    this.networkId = networkId;
  }

  /**
   * Starts the root and the controller and creates the network. Generating the two identities
   * takes a moment.
   *
   * @param onlineTimeout how long the controller may take to reach the root
   * @throws IOException if no UDP port could be bound on 127.0.0.1 or the controller stays offline
   */
  public static PrivateNetwork start(Duration onlineTimeout) throws IOException, InterruptedException {
    SecureRandom random = new SecureRandom();
    InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    Identity rootId = Identity.generate(random);
    World planet = null;
    NodeRunner root = null;
    // The planet names the root's port, so the port is chosen first; retry if someone takes it meanwhile.
    for (int attempt = 0; root == null; attempt++) {
      int port;
      try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(lo, 0))) {
        port = probe.getLocalPort();
      }
      planet = World.make(World.Type.PLANET, 0x2a2a2a2aL + random.nextInt(1 << 20), System.currentTimeMillis(),
          rootId.publicKey(), List.of(new World.Root(rootId.withoutPrivateKey(),
              List.of(io.zt4j.node.wire.InetAddress.of(lo.getAddress(), port)))),
          rootId.privateKey().orElseThrow());
      try {
        root = NodeRunner.start(new NodeRunner.Options().identity(rootId).planet(planet)
            .bind(new InetSocketAddress(lo, port)).allowLoopbackPaths(true).name("zt4j-root"));
      } catch (UncheckedIOException e) {
        if (attempt >= 4) {
          throw e.getCause();
        }
      }
    }
    NodeRunner controller = null;
    try {
      Identity ctlId = Identity.generate(random);
      controller = NodeRunner.start(new NodeRunner.Options().identity(ctlId).planet(planet)
          .bind(new InetSocketAddress(lo, 0)).allowLoopbackPaths(true).name("zt4j-controller"));
      NetworkController records = new NetworkController(ctlId.address().toLong(), new MemoryStore(),
          System::currentTimeMillis, random);
      ConfigIssuer issuer = new ConfigIssuer(records, ctlId);
      NodeRunner c = controller;
      ControllerHook hook = controller.call(n -> {
        ControllerHook h = new ControllerHook(issuer, n.vl2(), c::now);
        n.vl2().localController(h);
        return h;
      });
      long nwid = records.createNetwork(RecordJson.MAPPER.readTree("{\"name\":\"zt4j-demo\",\"private\":true,"
          + "\"v4AssignMode\":{\"zt\":true},"
          + "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.147.17.1\",\"ipRangeEnd\":\"10.147.17.254\"}],"
          + "\"routes\":[{\"target\":\"" + POOL + "\"}],\"v6AssignMode\":{\"rfc4193\":true,\"6plane\":true}}")).id();
      if (!controller.awaitOnline(onlineTimeout)) {
        throw new IOException("the controller node did not reach the root at 127.0.0.1/"
            + root.localAddresses().get(0).getPort() + " within " + onlineTimeout.toMillis() + " ms");
      }
      return new PrivateNetwork(planet, root, controller, records, hook, nwid);
    } catch (InvalidRequestException e) {
      close(controller, root);
      throw new IllegalStateException(e);
    } catch (IOException | RuntimeException | InterruptedException e) {
      close(controller, root);
      throw e;
    }
  }

  private static void close(NodeRunner controller, NodeRunner root) {
    if (controller != null) {
      controller.close();
    }
    root.close();
  }

  /** The private planet (its one root is ours). */
  public World planet() {
    return planet;
  }

  /** The planet as a ZeroTier {@code planet} file, for members in other processes. */
  public byte[] planetBytes() {
    return planet.serialize();
  }

  /** The root's ZeroTier address. */
  public String rootId() {
    return root.address().toString();
  }

  /** Where the root listens (127.0.0.1 and a free port). */
  public InetSocketAddress rootEndpoint() {
    return root.localAddresses().get(0);
  }

  /** The controller's ZeroTier address (the first 10 digits of the network ID). */
  public String controllerId() {
    return controller.address().toString();
  }

  /** The network's ID. */
  public long networkId() {
    return networkId;
  }

  /** The network's ID as 16 hex digits. */
  public String networkIdString() {
    return String.format("%016x", networkId);
  }

  /** A builder for a member node of this network's planet: in memory, 127.0.0.1 only, a free port. */
  public ZeroTierNode.Builder member(String name) {
    return ZeroTierNode.builder().planet(planet).loopbackOnly().port(0).name(name);
  }

  /**
   * Authorizes a member (before or after it joins); a member that already asked gets its config
   * pushed at once.
   */
  public void authorize(String nodeId) throws IOException {
    setAuthorized(nodeId, true);
  }

  /** Takes a member's authorization away; it is sent a revocation. */
  public void deauthorize(String nodeId) throws IOException {
    setAuthorized(nodeId, false);
  }

  private void setAuthorized(String nodeId, boolean authorized) throws IOException {
    if (!nodeId.matches("[0-9a-fA-F]{10}")) {
      throw new IllegalArgumentException("not a ZeroTier node ID (10 hex digits): '" + nodeId + "'");
    }
    try {
      records.updateMember(networkId, Long.parseLong(nodeId, 16),
          RecordJson.MAPPER.readTree("{\"authorized\":" + authorized + "}")).orElseThrow();
    } catch (InvalidRequestException e) {
      throw new IllegalStateException(e);
    }
    controller.call(n -> hook.flush());
  }

  /** Stops the controller and the root. */
  @Override
  public void close() {
    close(controller, root);
  }
}

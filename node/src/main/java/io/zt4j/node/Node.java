package io.zt4j.node;

import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl1.Path;
import io.zt4j.node.vl1.Peer;
import io.zt4j.node.vl1.Topology;
import io.zt4j.node.vl1.Vl1;
import io.zt4j.node.vl1.Vl1Counters;
import io.zt4j.node.vl2.NetworkOperation;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.vl2.Vl2;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.MulticastGroup;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.Parsed;
import io.zt4j.node.wire.World;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A ZeroTier node: the core of ZeroTier One ({@code ZT_Node}) as a deterministic Java object.
 *
 * <p>It does no I/O and keeps no time of its own. The host feeds it what arrives and the time:
 *
 * <ul>
 *   <li>{@link #processWirePacket} for each UDP datagram received (socket id, sender, bytes);
 *   <li>{@link #processBackgroundTasks} when the deadline it last returned has come;
 * </ul>
 *
 * <p>and it calls the {@link NodeHost} to send datagrams, report {@link NodeEvent}s and load or
 * store its identity, planet, moons and peer cache. All randomness comes from the
 * {@link NodeConfig#random() configured source}; with a seeded source and the same inputs a node
 * behaves identically, which is what lets tests simulate whole networks in virtual time.
 *
 * <p>Threading: not thread-safe. One thread (the runtime's node loop, or a test) owns the node
 * and makes every call; host callbacks run synchronously on that thread inside those calls.
 * Snapshots ({@link #status}, {@link #peers}, {@link #counters}) are immutable values that may be
 * handed to other threads.
 *
 * <p>Virtual networks (joining, frames) are VL2's: it plugs into {@link #vl1()}.
 */
public final class Node {
  private static final String EARTH_RESOURCE = "/io/zt4j/node/vl1/earth.planet";

  private final NodeHost host;
  private final Identity identity;
  private final Vl1 vl1;
  private final Vl2 vl2;
  private boolean closed;

  private Node(NodeHost host, Identity identity, Vl1 vl1) {
    this.host = host;
    this.identity = identity;
    this.vl1 = vl1;
    this.vl2 = new Vl2(vl1, vl1.now());
  }

  /**
   * Creates a node: loads its identity from the host (generating and storing one if the host has
   * none), chooses its planet, and reports {@link NodeEvent.Up}.
   *
   * @throws CorruptStateException if the stored identity or planet cannot be used
   */
  public static Node create(NodeConfig config, NodeHost host, long nowMillis) {
    Identity id = loadOrGenerateIdentity(config, host);
    World planet = choosePlanet(config, host);
    Vl1 vl1 = new Vl1(id, planet, host, config.random(), config.allowLoopbackPaths(), nowMillis);
    vl1.loopbackIdentityValidationIntervalMillis(config.loopbackIdentityValidationIntervalMillis());
    vl1.trustedPaths(config.trustedPaths());
    vl1.physicalPathMtus(config.physicalPathMtus());
    Node n = new Node(host, id, vl1);
    host.onEvent(new NodeEvent.Up(id.address()));
    return n;
  }

  private static Identity loadOrGenerateIdentity(NodeConfig config, NodeHost host) {
    Optional<byte[]> secret = host.stateGet(StateObject.IDENTITY_SECRET, 0);
    Identity id;
    if (secret.isPresent()) {
      String s = new String(secret.get(), StandardCharsets.US_ASCII).strip();
      id = Identity.fromString(s)
          .orElseThrow(() -> new CorruptStateException(StateObject.IDENTITY_SECRET, 0, "not a ZeroTier identity"));
      if (!id.hasPrivateKey()) {
        throw new CorruptStateException(StateObject.IDENTITY_SECRET, 0, "identity has no private key");
      }
      if (!id.privateKeyMatches() || !id.locallyValidate()) {
        throw new CorruptStateException(StateObject.IDENTITY_SECRET, 0, "identity does not validate");
      }
      byte[] pub = id.toString(false).getBytes(StandardCharsets.US_ASCII);
      Optional<byte[]> storedPub = host.stateGet(StateObject.IDENTITY_PUBLIC, 0);
      if (storedPub.isEmpty() || !new String(storedPub.get(), StandardCharsets.US_ASCII).strip()
          .equals(id.toString(false))) {
        host.statePut(StateObject.IDENTITY_PUBLIC, id.address().toLong(), pub);
      }
    } else {
      id = Identity.generate(config.random());
      host.statePut(StateObject.IDENTITY_SECRET, id.address().toLong(),
          id.toString(true).getBytes(StandardCharsets.US_ASCII));
      host.statePut(StateObject.IDENTITY_PUBLIC, id.address().toLong(),
          id.toString(false).getBytes(StandardCharsets.US_ASCII));
    }
    return id;
  }

  /**
   * The configured planet, else the stored one, else ZeroTier's public planet; then any later
   * candidate that properly replaces it (same id, newer, signed by the named key).
   */
  private static World choosePlanet(NodeConfig config, NodeHost host) {
    List<World> candidates = new ArrayList<>();
    config.planet().ifPresent(candidates::add);
    Optional<byte[]> stored = host.stateGet(StateObject.PLANET, 0);
    if (stored.isPresent()) {
      Parsed<World> w = World.parse(stored.get());
      if (!w.isOk() || w.value().type() != World.Type.PLANET) {
        throw new CorruptStateException(StateObject.PLANET, 0,
            w.isOk() ? "not a planet" : "does not parse (" + w.reason() + ")");
      }
      candidates.add(w.value());
    }
    candidates.add(earth());
    World planet = candidates.get(0);
    for (World c : candidates.subList(1, candidates.size())) {
      if (planet.shouldBeReplacedBy(c)) {
        planet = c;
      }
    }
    return planet;
  }

  /** ZeroTier's public planet, built in (570 bytes, world id 149604618). */
  public static World earth() {
    try (InputStream in = Node.class.getResourceAsStream(EARTH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + EARTH_RESOURCE);
      }
      return World.parse(in.readAllBytes()).value();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- the host feeds these ---------------------------------------------------------------

  /**
   * A UDP datagram arrived ({@code ZT_Node_processWirePacket}). Bad input is dropped and counted,
   * never thrown. The node copies what it keeps; {@code data} may be reused after the call.
   *
   * @return {@link #nextDeadline()}
   */
  public long processWirePacket(long localSocket, InetAddress remote, byte[] data, int offset, int length,
      long nowMillis) {
    checkOpen();
    vl1.onWirePacket(localSocket, remote, data, offset, length, nowMillis);
    return nextDeadline();
  }

  /**
   * When {@link #processBackgroundTasks} wants to run next (absolute time). Every call that
   * feeds the node can bring it forward (a packet starts waiting for a WHOIS answer…); hosts
   * check it after each call.
   */
  public long nextDeadline() {
    return Math.min(vl1.nextDeadline(), vl2.nextDeadline());
  }

  /**
   * Runs due background work ({@code ZT_Node_processBackgroundTasks}).
   *
   * @return absolute time (same clock as {@code nowMillis}) at which to call again; at least
   *     {@code nowMillis + 60}. Calling earlier is harmless.
   */
  public long processBackgroundTasks(long nowMillis) {
    checkOpen();
    long d = vl1.processBackgroundTasks(nowMillis);
    return Math.min(d, Math.max(vl2.processBackgroundTasks(nowMillis), nowMillis + 1));
  }

  // ---- commands -----------------------------------------------------------------------------

  /**
   * Sends an application message to another node ({@code ZT_Node_sendUserMessage}); it arrives as
   * {@link NodeEvent.UserMessage}. Best effort, like UDP.
   *
   * @return false if {@code destination} is ourselves
   */
  public boolean sendUserMessage(Address destination, long typeId, byte[] data, long nowMillis) {
    checkOpen();
    return vl1.sendUserMessage(destination.toLong(), typeId, data, nowMillis);
  }

  /** Orbits moon {@code moonWorldId}, fetching it from {@code seed} (one of its roots) if not stored. */
  public void orbit(long moonWorldId, Address seed, long nowMillis) {
    checkOpen();
    vl1.orbit(moonWorldId, seed == null ? 0 : seed.toLong(), nowMillis);
  }

  /** Leaves moon {@code moonWorldId} and deletes its stored copy. */
  public void deorbit(long moonWorldId, long nowMillis) {
    checkOpen();
    vl1.deorbit(moonWorldId, nowMillis);
  }

  /**
   * Declares an address of this host that peers may reach us at; it is advertised in
   * PUSH_DIRECT_PATHS. Only addresses valid for ZeroTier paths are kept.
   *
   * @return whether it was added
   */
  public boolean addLocalInterfaceAddress(InetAddress address) {
    return vl1.addLocalInterfaceAddress(address);
  }

  public void clearLocalInterfaceAddresses() {
    vl1.clearLocalInterfaceAddresses();
  }

  /** The addresses of this host that PUSH_DIRECT_PATHS advertises (besides what peers report seeing). */
  public List<InetAddress> localInterfaceAddresses() {
    return vl1.localInterfaceAddresses();
  }

  /** Saves the peer cache through the host and reports {@link NodeEvent.Down}. Idempotent. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    vl2.close();
    vl1.savePeers();
    host.onEvent(new NodeEvent.Down());
  }

  // ---- queries ------------------------------------------------------------------------------

  public Address address() {
    return identity.address();
  }

  /** Our identity (with its private key: do not hand it out). */
  public Identity identity() {
    return identity;
  }

  public boolean online() {
    return vl1.online();
  }

  public NodeStatus status() {
    World p = vl1.topology().planet();
    return new NodeStatus(identity.address(), identity.toString(false), vl1.online(), vl1.topology().amUpstream(),
        p.id(), p.timestamp());
  }

  public World planet() {
    return vl1.topology().planet();
  }

  public List<World> moons() {
    return List.copyOf(vl1.topology().moons());
  }

  /** All known peers, sorted by address, as of {@code nowMillis}. */
  public List<PeerInfo> peers(long nowMillis) {
    List<PeerInfo> out = new ArrayList<>();
    Topology t = vl1.topology();
    for (Peer p : t.peers()) {
      Path best = p.bestPath(nowMillis, false);
      List<PathInfo> paths = new ArrayList<>();
      for (Path path : p.paths()) {
        paths.add(new PathInfo(path.address(), path.localSocket(), path.lastOutAt(), path.lastInAt(),
            path.alive(nowMillis), path == best));
      }
      int latency = p.latencyMillis(nowMillis);
      out.add(new PeerInfo(p.identity().address(), PeerInfo.Role.valueOf(t.role(p.address()).name()),
          p.remoteVersionKnown() ? p.remoteMajor() + "." + p.remoteMinor() + "." + p.remoteRevision() : null,
          p.remoteProtocol(), latency >= Path.LATENCY_UNKNOWN ? -1 : latency, paths));
    }
    out.sort((a, b) -> a.address().compareTo(b.address()));
    return out;
  }

  public Vl1Counters.Snapshot counters() {
    return vl1.counters().snapshot();
  }

  // ---- virtual networks (VL2) ---------------------------------------------------------------

  /**
   * Joins a network ({@code ZT_Node_join}): the host gets {@link NetworkOperation#UP} at once and
   * {@code CONFIG_UPDATE}s as the config arrives; the stored config (if any) is used meanwhile.
   * Network ids of the form {@code ff SSSS EEEE 000000} are ad-hoc networks that need no
   * controller.
   */
  public void join(long networkId, long nowMillis) {
    checkOpen();
    vl2.join(networkId, nowMillis);
  }

  /** Leaves a network ({@code ZT_Node_leave}): the host gets {@code DESTROY}; its stored config is deleted. */
  public void leave(long networkId, long nowMillis) {
    checkOpen();
    vl2.leave(networkId, nowMillis);
  }

  /**
   * An Ethernet frame from a network's tap ({@code ZT_Node_processVirtualNetworkFrame});
   * {@code data[offset, offset+length)} is the payload after the Ethernet header. The node copies
   * what it keeps.
   */
  public void processVirtualNetworkFrame(long networkId, MAC source, MAC destination, int etherType, int vlanId,
      byte[] data, int offset, int length, long nowMillis) {
    checkOpen();
    vl2.onLocalFrame(networkId, source, destination, etherType, vlanId, data, offset, length, nowMillis);
  }

  /** The tap listens to a multicast group ({@code ZT_Node_multicastSubscribe}); announced at once. */
  public void multicastSubscribe(long networkId, MulticastGroup group, long nowMillis) {
    checkOpen();
    vl2.multicastSubscribe(networkId, group, nowMillis);
  }

  public void multicastUnsubscribe(long networkId, MulticastGroup group, long nowMillis) {
    checkOpen();
    vl2.multicastUnsubscribe(networkId, group, nowMillis);
  }

  /** A joined network as its tap sees it ({@code ZT_Node_networkConfig}). */
  public Optional<VirtualNetworkConfig> network(long networkId) {
    return vl2.networkConfig(networkId);
  }

  /** All joined networks ({@code ZT_Node_networks}). */
  public List<VirtualNetworkConfig> networks() {
    return vl2.networkConfigs();
  }

  /** VL2: networks, multicast, and the hooks for a controller running in this node. */
  public Vl2 vl2() {
    return vl2;
  }

  /** The VL1 engine, for VL2 ({@code node.vl2}) to register its verbs and send packets. */
  public Vl1 vl1() {
    return vl1;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("node is closed");
    }
  }

  @Override
  public String toString() {
    return "Node[" + identity.address() + "]";
  }
}

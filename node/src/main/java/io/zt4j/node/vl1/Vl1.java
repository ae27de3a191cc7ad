package io.zt4j.node.vl1;

import static io.zt4j.node.vl1.Vl1Constants.HOUSEKEEPING_PERIOD_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.IDENTITY_VALIDATION_SLOTS;
import static io.zt4j.node.vl1.Vl1Constants.IDENTITY_VALIDATION_SOURCE_RATE_LIMIT_MILLIS;
import static io.zt4j.node.vl1.Vl1Constants.PUSH_DIRECT_PATHS_MAX_PACKET_BYTES;
import static io.zt4j.node.vl1.Vl1Constants.TIMER_GRANULARITY_MILLIS;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.NodeHost;
import io.zt4j.node.ProtocolVersion;
import io.zt4j.node.identity.Address;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.PacketCompression;
import io.zt4j.node.wire.World;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.random.RandomGenerator;

/**
 * The VL1 engine: ZeroTier's peer-to-peer layer. It authenticates and routes packets, keeps
 * peers and paths alive, relays for others when it is a root, and gives VL2 a way to send and
 * receive verbs.
 *
 * <p>It is assembled from parts with one job each: {@link Topology} (worlds, peers, paths),
 * {@link Inbound} (datagrams in: fragments, relaying, authentication, verb dispatch),
 * {@link Outbound} (packets out: path choice, relaying through an upstream, WHOIS queueing,
 * fragmentation), {@link Introducer} (RENDEZVOUS), {@link Keepalive} (pings and ONLINE),
 * {@link SelfAwareness}, and one {@link VerbHandler} per verb. This class holds what they share:
 * our identity, the host, time and randomness, counters, and the operations several of them use
 * (HELLO, ECHO, path checks).
 *
 * <p>Deterministic and single-threaded: everything runs inside {@link #onWirePacket} and
 * {@link #processBackgroundTasks} (and the few commands of the node facade) on the caller's
 * thread, with time passed in.
 */
public final class Vl1 {
  private final Identity identity;
  private final long address;
  private final NodeHost host;
  private final RandomGenerator random;
  private final boolean allowLoopbackPaths;
  private final Vl1Counters counters = new Vl1Counters();
  private final PacketCompression compression = new PacketCompression();
  private final ExpectedReplies expectedReplies = new ExpectedReplies();
  private final long[] lastIdentityVerification = new long[IDENTITY_VALIDATION_SLOTS];
  private final List<InetAddress> directPaths = new ArrayList<>();
  private final List<BiPredicate<Long, InetAddress>> pathFilters = new ArrayList<>();
  private final VerbHandler[] handlers = new VerbHandler[Verbs.COUNT];
  private final ReplyHandler[] okHandlers = new ReplyHandler[Verbs.COUNT];
  private final ReplyHandler[] errorHandlers = new ReplyHandler[Verbs.COUNT];
  private final Topology topology;
  private final SelfAwareness selfAwareness;
  private final Inbound inbound;
  private final Outbound outbound;
  private final Introducer introducer;
  private final Keepalive keepalive;
  private long now;
  private long lastHousekeepingAt;
  private long deadline;
  private List<io.zt4j.node.NodeConfig.PhysicalPathMtu> physicalPathMtus = List.of();

  /**
   * @param identity our identity, with its private key
   * @param planet the planet to start from (already chosen among configured, stored and built-in)
   * @param allowLoopbackPaths accept 127/8 and ::1 as paths (single-machine setups)
   */
  public Vl1(Identity identity, World planet, NodeHost host, RandomGenerator random, boolean allowLoopbackPaths, long now) {
    if (!identity.hasPrivateKey()) {
      throw new IllegalArgumentException("our identity needs its private key");
    }
    this.identity = identity;
    this.address = identity.address().toLong();
    this.host = host;
    this.random = random;
    this.allowLoopbackPaths = allowLoopbackPaths;
    this.now = now;
    this.lastHousekeepingAt = now;
    this.deadline = now;
    Arrays.fill(lastIdentityVerification, Peer.NEVER);
    this.topology = new Topology(this, planet);
    this.selfAwareness = new SelfAwareness(this::resetPathsInScope);
    this.outbound = new Outbound(this);
    this.introducer = new Introducer(this);
    this.inbound = new Inbound(this);
    this.keepalive = new Keepalive(this);
    Handlers.registerAll(this);
  }

  // ---- entry points -----------------------------------------------------------------------

  /** A datagram arrived on {@code localSocket} from {@code from}. Never throws on bad input. */
  public void onWirePacket(long localSocket, InetAddress from, byte[] data, int offset, int length, long now) {
    this.now = now;
    inbound.onRemotePacket(localSocket, from, data, offset, length);
  }

  /**
   * Runs what is due (pings, keepalives, WHOIS retries and queue expiry, housekeeping) and
   * returns the absolute time of the next thing due.
   */
  public long processBackgroundTasks(long now) {
    this.now = now;
    long next = keepalive.run(now);
    if (now - lastHousekeepingAt >= HOUSEKEEPING_PERIOD_MILLIS) {
      lastHousekeepingAt = now;
      topology.doPeriodicTasks(now);
      selfAwareness.clean(now);
      introducer.clean(now);
      outbound.clean(now);
    }
    next = Math.min(next, lastHousekeepingAt + HOUSEKEEPING_PERIOD_MILLIS);
    next = Math.min(next, outbound.doTimerTasks(now));
    next = Math.min(next, inbound.doTimerTasks(now));
    deadline = Math.max(next, now + TIMER_GRANULARITY_MILLIS);
    return deadline;
  }

  /**
   * When {@link #processBackgroundTasks} should run next: what it last returned, brought forward
   * when a packet since then started waiting (for WHOIS, or for its other fragments).
   */
  public long nextDeadline() {
    return deadline;
  }

  /** Brings the next background run forward to {@code at} if that is earlier. */
  void wakeAt(long at) {
    if (at < deadline) {
      deadline = at;
    }
  }

  /** Sends a USER_MESSAGE (compressed when it helps) to {@code destination}. */
  public boolean sendUserMessage(long destination, long typeId, byte[] data, long now) {
    this.now = now;
    if (destination == address) {
      return false;
    }
    if (data.length > PacketBuilder.MAX_PACKET_LENGTH - PacketBuilder.IDX_PAYLOAD - 8) {
      throw new IllegalArgumentException("user message too large: " + data.length + " bytes");
    }
    PacketBuilder p = newPacket(destination, Verbs.USER_MESSAGE);
    p.u64(typeId).bytes(data);
    compress(p);
    outbound.send(p, true);
    return true;
  }

  /** Orbits a moon (from the host's stored copy, or asking {@code seed} for it). */
  public void orbit(long moonWorldId, long seed, long now) {
    this.now = now;
    topology.addMoon(moonWorldId, seed);
  }

  /** Stops orbiting a moon. */
  public void deorbit(long moonWorldId, long now) {
    this.now = now;
    topology.removeMoon(moonWorldId);
  }

  /** Adds an address of ours that PUSH_DIRECT_PATHS may advertise (if valid for paths). */
  public boolean addLocalInterfaceAddress(InetAddress a) {
    if (Path.isAddressValidForPath(a, allowLoopbackPaths) && !directPaths.contains(a)) {
      directPaths.add(a);
      return true;
    }
    return false;
  }

  public void clearLocalInterfaceAddresses() {
    directPaths.clear();
  }

  public List<InetAddress> localInterfaceAddresses() {
    return List.copyOf(directPaths);
  }

  /** Writes all peers to the host's cache (at shutdown). */
  public void savePeers() {
    topology.saveAll();
  }

  // ---- extension points for VL2 ------------------------------------------------------------

  /**
   * Moves the engine's clock to {@code now} (VL2 calls this when the node facade hands it a
   * command, so packets it sends carry the right time).
   */
  public void advanceTime(long now) {
    this.now = now;
  }

  /** Compresses a VL2 packet's payload in place when that makes it smaller (before sending). */
  public void compressPacket(PacketBuilder p) {
    compress(p);
  }

  /** The best upstream (root) right now, or null if none is reachable. */
  public Peer bestUpstream() {
    return topology.bestUpstream(now);
  }

  /** Installs the handler for {@code verb} (replacing VL1's default). */
  public void registerVerb(int verb, VerbHandler h) {
    handlers[verb & 0x1f] = h;
  }

  /** Installs the handler for OK replies to {@code inReVerb}. */
  public void registerOk(int inReVerb, ReplyHandler h) {
    okHandlers[inReVerb & 0x1f] = h;
  }

  /** Installs the handler for ERROR replies carrying {@code errorCode}. */
  public void registerError(int errorCode, ReplyHandler h) {
    errorHandlers[errorCode & 0x1f] = h;
  }

  /**
   * Adds a rule that may refuse a physical address for ZeroTier traffic with a peer (VL2 refuses
   * addresses inside its virtual networks, so ZeroTier never tunnels through itself).
   */
  public void addPathFilter(BiPredicate<Long, InetAddress> refuse) {
    pathFilters.add(refuse);
  }

  /**
   * Adds a source of addresses the node must always stay in touch with (VL2: network
   * controllers and designated relays), consulted at every ping check.
   */
  public void addAlwaysContactSource(java.util.function.Consumer<java.util.Map<Long, List<InetAddress>>> source) {
    keepalive.addAlwaysContactSource(source);
  }

  VerbHandler handler(int verb) {
    return handlers[verb & 0x1f];
  }

  ReplyHandler okHandler(int verb) {
    return okHandlers[verb & 0x1f];
  }

  ReplyHandler errorHandler(int code) {
    return errorHandlers[code & 0x1f];
  }

  // ---- shared state -----------------------------------------------------------------------

  public Identity identity() {
    return identity;
  }

  public long address() {
    return address;
  }

  public NodeHost host() {
    return host;
  }

  public long now() {
    return now;
  }

  public RandomGenerator random() {
    return random;
  }

  public Topology topology() {
    return topology;
  }

  public Vl1Counters counters() {
    return counters;
  }

  SelfAwareness selfAwareness() {
    return selfAwareness;
  }

  Outbound outbound() {
    return outbound;
  }

  Inbound inbound() {
    return inbound;
  }

  Introducer introducer() {
    return introducer;
  }

  ExpectedReplies expectedReplies() {
    return expectedReplies;
  }

  /** Whether any upstream was heard from recently (or we are one). */
  public boolean online() {
    return keepalive.online();
  }

  // ---- operations shared by the parts -----------------------------------------------------

  /** The LZ4 codec of this node's thread. */
  PacketCompression compression() {
    return compression;
  }

  /** Compresses a packet's payload in place when ZeroTier would (before armouring). */
  void compress(PacketBuilder p) {
    p.size(compression.compress(p.buffer(), 0, p.size()));
  }

  /** A new packet from us. */
  public PacketBuilder newPacket(long destination, int verb) {
    counters.verbOut(verb);
    return new PacketBuilder(destination, address, verb, random);
  }

  /** A new packet from us whose payload will be about {@code payloadBytes} long. */
  public PacketBuilder newPacket(long destination, int verb, int payloadBytes) {
    counters.verbOut(verb);
    return new PacketBuilder(destination, address, verb, payloadBytes, random);
  }

  /** Sends a packet to its destination peer (direct, via an upstream, or queued for WHOIS). */
  public void send(PacketBuilder p, boolean encrypt) {
    outbound.send(p, encrypt);
  }

  /**
   * Accounts an authenticated packet from a peer (every handler calls this, as ZeroTier's call
   * {@code Peer::received}).
   */
  public void received(InboundPacket p, boolean trustEstablished) {
    counters.verbIn(p.verb());
    p.peer().received(this, p.path(), p.hops(), p.verb(), trustEstablished, now);
    if (topology.isUpstream(p.peer().address())) {
      keepalive.upstreamHeard();
    }
  }

  /** The peer with {@code address} (memory or cache), or null. */
  public Peer peer(long address) {
    return topology.peer(address);
  }

  /** Asks an upstream who {@code address} is (rate limited per address). */
  public void requestWhois(long address) {
    outbound.requestWhois(address, now);
  }

  /** Builds a peer for {@code id}, agreeing a key with it; null if agreement fails (bad key). */
  Peer newPeer(Identity id) {
    Optional<io.zt4j.node.crypto.SymmetricKey> key = identity.agree(id);
    return key.map(k -> new Peer(id.withoutPrivateKey(), new PeerCipher(k))).orElse(null);
  }

  /**
   * Whether ZeroTier traffic with {@code ztAddress} may use {@code remote}
   * ({@code Node::shouldUsePathForZeroTierTraffic}).
   */
  boolean shouldUsePath(long ztAddress, long localSocket, InetAddress remote) {
    if (!Path.isAddressValidForPath(remote, allowLoopbackPaths)) {
      return false;
    }
    if (topology.isProhibitedEndpoint(ztAddress, remote)) {
      return false;
    }
    for (BiPredicate<Long, InetAddress> f : pathFilters) {
      if (f.test(ztAddress, remote)) {
        return false;
      }
    }
    return host.pathCheck(Address.of(ztAddress), localSocket, remote);
  }

  private long loopbackIdentityValidationIntervalMillis = IDENTITY_VALIDATION_SOURCE_RATE_LIMIT_MILLIS;

  /**
   * Sets the identity-validation rate limit for loopback sources (see
   * {@link io.zt4j.node.NodeConfig#loopbackIdentityValidationIntervalMillis()}); other sources keep
   * ZeroTier's.
   */
  public void loopbackIdentityValidationIntervalMillis(long millis) {
    this.loopbackIdentityValidationIntervalMillis = millis;
  }

  private List<io.zt4j.node.TrustedPath> trustedPaths = List.of();

  /** Sets the trusted paths (see {@link io.zt4j.node.TrustedPath}); none by default. */
  public void trustedPaths(List<io.zt4j.node.TrustedPath> paths) {
    this.trustedPaths = List.copyOf(paths);
  }

  /**
   * The trusted-path id for sending to {@code physical} ({@code Topology::getOutboundPathInfo}):
   * that of the first configured network containing it, or 0 (armour normally).
   */
  long trustedPathIdFor(InetAddress physical) {
    for (io.zt4j.node.TrustedPath t : trustedPaths) {
      if (t.contains(physical)) {
        return t.id();
      }
    }
    return 0;
  }

  /**
   * Whether a suite-2 packet carrying {@code id} from {@code physical} is trusted
   * ({@code Topology::shouldInboundPathBeTrusted}): some configured network contains the address
   * and has that id.
   */
  boolean inboundPathTrusted(InetAddress physical, long id) {
    for (io.zt4j.node.TrustedPath t : trustedPaths) {
      if (t.id() == id && t.contains(physical)) {
        return true;
      }
    }
    return false;
  }

  /** Rate gate for identity validation work per source IP ({@code rateGateIdentityVerification}). */
  boolean rateGateIdentityVerification(InetAddress from) {
    int slot = rateGateHash(from);
    long interval = isLoopback(from) ? loopbackIdentityValidationIntervalMillis
        : IDENTITY_VALIDATION_SOURCE_RATE_LIMIT_MILLIS;
    if (interval == 0) {
      return true;
    }
    if (now - lastIdentityVerification[slot] >= interval) {
      lastIdentityVerification[slot] = now;
      return true;
    }
    return false;
  }

  private static boolean isLoopback(InetAddress a) {
    if (a.isV4()) {
      return a.ipByte(0) == 127;
    }
    if (a.isV6()) {
      for (int i = 0; i < 15; i++) {
        if (a.ipByte(i) != 0) {
          return false;
        }
      }
      return a.ipByte(15) == 1;
    }
    return false;
  }

  static int rateGateHash(InetAddress a) {
    long h = 0;
    if (a.isV4()) {
      long ip = ((long) a.ipByte(0) << 24) | (a.ipByte(1) << 16) | (a.ipByte(2) << 8) | a.ipByte(3);
      h = (ip & 0xffffff00L) >>> 8;
      h ^= h >>> 14;
    } else if (a.isV6()) {
      for (int i = 0; i < 6; i++) {
        h = (h << 1) + a.ipByte(i);
      }
    }
    return (int) (h & 0x3fff);
  }

  /** Hands a datagram to the host; counts it. */
  boolean putPacket(long localSocket, InetAddress to, byte[] data, int len, int ttl) {
    counters.datagramOut();
    return host.sendUdp(localSocket, to, data, 0, len, ttl);
  }

  /** Sends over a specific path, recording the send time if the host took it. */
  /** Sets the configured physical path MTUs (first match wins; others get the default). */
  public void physicalPathMtus(List<io.zt4j.node.NodeConfig.PhysicalPathMtu> settings) {
    this.physicalPathMtus = List.copyOf(settings);
  }

  /** The UDP payload MTU toward {@code address} ({@code Topology::getOutboundPathMtu}). */
  int physicalMtu(InetAddress address) {
    for (int i = 0; i < physicalPathMtus.size(); i++) {
      io.zt4j.node.NodeConfig.PhysicalPathMtu s = physicalPathMtus.get(i);
      if (s.contains(address)) {
        return s.mtu();
      }
    }
    return Vl1Constants.DEFAULT_PHYSICAL_MTU;
  }

  boolean sendOnPath(Path path, byte[] data, int len) {
    if (putPacket(path.localSocket(), path.address(), data, len, 0)) {
      path.sent(now);
      return true;
    }
    return false;
  }

  /**
   * Sends a HELLO to {@code peer} ({@code Peer::sendHELLO}): at {@code at} directly (from every
   * socket of its family, like ZeroTier) or, with a nil address, by normal routing.
   */
  void sendHello(Peer peer, InetAddress at, long now) {
    PacketBuilder p = newPacket(peer.address(), Verbs.HELLO);
    p.u8(ProtocolVersion.PROTOCOL)
        .u8(ProtocolVersion.SOFTWARE_MAJOR)
        .u8(ProtocolVersion.SOFTWARE_MINOR)
        .u16(ProtocolVersion.SOFTWARE_REVISION)
        .u64(now)
        .identity(identity, false)
        .inetAddress(at)
        .u64(topology.planet().id())
        .u64(topology.planet().timestamp());
    int cryptStart = p.position();
    List<World> moons = topology.moons();
    List<Long> wanted = topology.moonsWanted();
    p.u16(moons.size() + wanted.size());
    for (World m : moons) {
      p.u8(m.type().code).u64(m.id()).u64(m.timestamp());
    }
    for (long id : wanted) {
      p.u8(World.Type.MOON.code).u64(id).u64(0);
    }
    peer.cipher().cryptField(p, cryptStart, p.position() - cryptStart);
    if (!at.isNil()) {
      peer.cipher().armor(p, false, false);
      expectedReplies.expect(p.packetId());
      putPacket(-1, at, p.buffer(), p.size(), 0);
    } else {
      outbound.send(p, false);
    }
  }

  /**
   * Contacts {@code peer} at {@code at} ({@code attemptToContactAt}): an ECHO when a full HELLO
   * is not needed and the peer understands ECHO (protocol 5+, not 1.1.0), otherwise a HELLO.
   */
  void attemptToContactAt(Peer peer, long localSocket, InetAddress at, long now, boolean fullHello) {
    boolean echoOk = peer.remoteProtocol() >= 5
        && !(peer.remoteMajor() == 1 && peer.remoteMinor() == 1 && peer.remoteRevision() == 0);
    if (!fullHello && echoOk) {
      PacketBuilder p = newPacket(peer.address(), Verbs.ECHO);
      peer.cipher().armor(p, true, peer.useAes());
      expectedReplies.expect(p.packetId());
      putPacket(localSocket, at, p.buffer(), p.size(), 0);
    } else {
      sendHello(peer, at, now);
    }
  }

  /**
   * Tells a trusted peer our addresses ({@code PUSH_DIRECT_PATHS}): the host's interface
   * addresses plus what peers report as our external addresses, in packets of at most 1200 bytes.
   */
  void pushDirectPaths(Peer peer, Path path, long now) {
    List<InetAddress> push = new ArrayList<>(directPaths);
    push.addAll(selfAwareness.whoami());
    int i = 0;
    while (i < push.size()) {
      PacketBuilder p = newPacket(peer.address(), Verbs.PUSH_DIRECT_PATHS);
      int countAt = p.position();
      p.u16(0);
      int count = 0;
      while (i < push.size() && p.size() + 24 < PUSH_DIRECT_PATHS_MAX_PACKET_BYTES) {
        InetAddress a = push.get(i++);
        if (!a.isV4() && !a.isV6()) {
          continue;
        }
        p.u8(0).u16(0).u8(a.isV4() ? 4 : 6).u8(a.isV4() ? 6 : 18).bytes(a.ip()).u16(a.port());
        count++;
      }
      if (count > 0) {
        p.setU16At(countAt, count);
        compress(p);
        peer.cipher().armor(p, true, peer.useAes());
        sendOnPath(path, p.buffer(), p.size());
      }
    }
  }

  /** The host's remembered address for {@code peer}, if any. */
  Optional<InetAddress> memorizedPath(Peer peer) {
    return host.pathLookup(peer.identity().address(), InetAddress.Family.NIL);
  }

  void pathLearned(Peer peer, Path path) {
    trace(NodeEvent.Trace.Kind.PATH_LEARNED, peer.address(), path.address(), "learned new path");
    Boolean change = peer.directnessChange(now);
    if (change != null) {
      event(change ? new NodeEvent.PeerDirect(peer.identity().address(), path.address())
          : new NodeEvent.PeerRelayed(peer.identity().address()));
    }
  }

  private void resetPathsInScope(IpScope scope, InetAddress.Family family, long now) {
    trace(NodeEvent.Trace.Kind.PATHS_RESET, 0, InetAddress.NIL, "external address changed in scope " + scope);
    for (Peer p : new ArrayList<>(topology.peers())) {
      p.resetWithinScope(this, scope, family, now);
    }
  }

  void event(NodeEvent e) {
    host.onEvent(e);
  }

  void trace(NodeEvent.Trace.Kind kind, long peer, InetAddress path, String detail) {
    host.onEvent(new NodeEvent.Trace(kind, peer == 0 ? null : Address.of(peer), path, detail));
  }
}

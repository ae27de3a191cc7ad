package io.zt4j.node.vl2;

import io.zt4j.node.NodeHost;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl1.InboundPacket;
import io.zt4j.node.vl1.PacketBuilder;
import io.zt4j.node.vl1.PayloadReader;
import io.zt4j.node.vl1.Peer;
import io.zt4j.node.vl1.Verbs;
import io.zt4j.node.vl1.Vl1;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.MulticastGroup;
import io.zt4j.node.wire.Parsed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * ZeroTier's VL2 — virtual networks — on top of a {@link Vl1}: the joined {@link Network}s, the
 * node-wide {@link Multicaster}, the VL2 verb handlers (FRAME, EXT_FRAME, MULTICAST_LIKE,
 * NETWORK_CREDENTIALS, NETWORK_CONFIG_REQUEST, NETWORK_CONFIG, MULTICAST_GATHER, MULTICAST_FRAME
 * and their OK/ERROR replies) and the hooks for a {@link LocalController}.
 *
 * <p>The node facade creates one per node and forwards the tap's calls ({@link #join},
 * {@link #leave}, {@link #onLocalFrame}, {@link #multicastSubscribe}…). Frames for the tap go to
 * {@link NodeHost#deliverFrame}; network changes to {@link NodeHost#onNetworkUpdate}.
 *
 * <p>Deterministic and single-threaded like {@link Vl1}: every method runs on the node's thread
 * with the time passed in (or taken from the VL1 packet being handled).
 */
public final class Vl2 {

  static final int VERB_FRAME = Verbs.FRAME;
  static final int VERB_EXT_FRAME = Verbs.EXT_FRAME;
  static final int VERB_MULTICAST_LIKE = Verbs.MULTICAST_LIKE;
  static final int VERB_NETWORK_CREDENTIALS = Verbs.NETWORK_CREDENTIALS;
  static final int VERB_NETWORK_CONFIG_REQUEST = Verbs.NETWORK_CONFIG_REQUEST;
  static final int VERB_NETWORK_CONFIG = Verbs.NETWORK_CONFIG;
  static final int VERB_MULTICAST_GATHER = Verbs.MULTICAST_GATHER;
  static final int VERB_MULTICAST_FRAME = Verbs.MULTICAST_FRAME;

  /** Largest VL2 payload we build (a packet of 7 fragments less header room). */
  static final int MAX_PAYLOAD = PacketBuilder.MAX_PACKET_LENGTH - PacketBuilder.IDX_PAYLOAD - 256;

  /** Interval of the network checks (config refresh, multicast announcements). */
  static final long PING_CHECK_MILLIS = 5_000;
  static final long HOUSEKEEPING_MILLIS = 30_000;
  static final long CREDENTIAL_RETRY_MILLIS = 500;
  static final long CREDENTIAL_WAIT_MILLIS = 5_000;
  /** How long a member we sent a config counts as authorized for LIKE/GATHER. */
  static final long CONTROLLER_AUTHORIZATION_MILLIS = 3 * Network.CONFIG_REFRESH_MILLIS;
  /** Largest frame ZeroTier carries ({@code ZT_MAX_MTU}). */
  static final int MAX_MTU = NetworkConfig.MAX_MTU;

  /** Why VL2 dropped something (counted, see {@link #drops()}). */
  public enum Drop {
    NO_CONFIG,
    NOT_A_BRIDGE,
    FRAME_TOO_LARGE,
    BROADCAST_DISABLED,
    MULTICAST_DISABLED,
    FILTERED,
    NOT_A_MEMBER,
    BRIDGING_NOT_ALLOWED,
    INVALID_SOURCE_MAC,
    MALFORMED,
    BAD_CONFIG_CHUNK,
    BAD_CONFIG_SIGNATURE,
    BAD_CONFIG,
    CONFIG_NOT_FOR_US,
    CREDENTIAL_REJECTED,
    UNKNOWN_NETWORK
  }

  private record PendingCredential(long from, long networkId, Object credential, long at) {}

  private record AuthKey(long networkId, long address) {}

  private final Vl1 vl1;
  private final NodeHost host;
  private final long self;
  private final Map<Long, Network> networks = new TreeMap<>();
  private final Multicaster multicaster;
  private final Map<Drop, Long> drops = new EnumMap<>(Drop.class);
  private final List<PendingCredential> pendingCredentials = new ArrayList<>();
  private final Map<AuthKey, Long> controllerAuthorizations = new HashMap<>();
  private LocalController localController;
  private String osArch = "java";
  private long now;
  private long lastPingCheck = Long.MIN_VALUE;
  private long lastHousekeeping;
  private long deadline;

  /** Creates VL2 for {@code vl1} and registers its verb handlers. */
  public Vl2(Vl1 vl1, long now) {
    this.vl1 = vl1;
    this.host = vl1.host();
    this.self = vl1.address();
    this.multicaster = new Multicaster(self);
    this.now = now;
    this.lastHousekeeping = now;
    this.deadline = now;
    vl1.registerVerb(Verbs.FRAME, (v, p) -> onFrame(p));
    vl1.registerVerb(Verbs.EXT_FRAME, (v, p) -> onExtFrame(p));
    vl1.registerVerb(Verbs.MULTICAST_LIKE, (v, p) -> onMulticastLike(p));
    vl1.registerVerb(Verbs.NETWORK_CREDENTIALS, (v, p) -> onNetworkCredentials(p));
    vl1.registerVerb(Verbs.NETWORK_CONFIG_REQUEST, (v, p) -> onNetworkConfigRequest(p));
    vl1.registerVerb(Verbs.NETWORK_CONFIG, (v, p) -> onNetworkConfig(p));
    vl1.registerVerb(Verbs.MULTICAST_GATHER, (v, p) -> onMulticastGather(p));
    vl1.registerVerb(Verbs.MULTICAST_FRAME, (v, p) -> onMulticastFrame(p));
    vl1.registerOk(Verbs.NETWORK_CONFIG_REQUEST, (v, p, verb, id, code, rest) -> onConfigOk(p, rest));
    vl1.registerOk(Verbs.MULTICAST_GATHER, (v, p, verb, id, code, rest) -> onGatherOk(p, rest));
    vl1.registerOk(Verbs.MULTICAST_FRAME, (v, p, verb, id, code, rest) -> onMulticastFrameOk(p, rest));
    for (int code : new int[] {Verbs.ERROR_OBJ_NOT_FOUND, Verbs.ERROR_UNSUPPORTED_OPERATION,
        Verbs.ERROR_NEED_MEMBERSHIP_CERTIFICATE, Verbs.ERROR_NETWORK_ACCESS_DENIED, Verbs.ERROR_UNWANTED_MULTICAST,
        Verbs.ERROR_NETWORK_AUTHENTICATION_REQUIRED}) {
      vl1.registerError(code, (v, p, verb, id, c, rest) -> onError(p, verb, c, rest));
    }
    vl1.addPathFilter((zt, remote) -> refusesPhysicalPath(remote));
    vl1.addAlwaysContactSource(m -> {
      for (Network n : networks.values()) {
        n.config().ifPresent(c -> c.alwaysContactAddresses().forEach(a -> m.putIfAbsent(a, new ArrayList<>())));
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Commands (node facade)

  /** The OS/architecture text sent in config requests (ZeroTier's {@code linux/x86_64}…). */
  public void osArch(String text) {
    this.osArch = text;
  }

  /** Attaches (or with null detaches) the controller running in this node. */
  public void localController(LocalController controller) {
    this.localController = controller;
  }

  /**
   * Joins {@code networkId} ({@code ZT_Node_join}): restores its stored config, reports
   * {@link NetworkOperation#UP} and asks the controller for a config at once. Joining a joined
   * network does nothing.
   */
  public void join(long networkId, long nowMillis) {
    tick(nowMillis);
    if (networks.containsKey(networkId)) {
      return;
    }
    Network n = new Network(this, networkId);
    networks.put(networkId, n);
    Optional<byte[]> stored = host.stateGet(StateObject.NETWORK_CONFIG, networkId);
    if (stored.isPresent()) {
      n.restore(stored.get());
    } else {
      // ZeroTier writes a placeholder so the network is rejoined after a restart.
      host.statePut(StateObject.NETWORK_CONFIG, networkId, "\n".getBytes(StandardCharsets.US_ASCII));
    }
    networkUpdate(n, NetworkOperation.UP);
    n.requestConfiguration(nowMillis);
  }

  /** Leaves {@code networkId} ({@code ZT_Node_leave}): reports DESTROY and deletes its stored config. */
  public void leave(long networkId, long nowMillis) {
    tick(nowMillis);
    Network n = networks.remove(networkId);
    if (n == null) {
      return;
    }
    host.onNetworkUpdate(networkId, NetworkOperation.DESTROY, n.externalConfig());
    host.stateDelete(StateObject.NETWORK_CONFIG, networkId);
    multicaster.forget(networkId);
  }

  /**
   * A frame from the tap of {@code networkId} ({@code ZT_Node_processVirtualNetworkFrame}):
   * {@code data[off, off+len)} is the Ethernet payload. Dropped (and counted) if the network is
   * unknown or unconfigured, the rules refuse it, or it breaks the network's limits.
   */
  public void onLocalFrame(long networkId, MAC source, MAC destination, int etherType, int vlanId, byte[] data,
      int off, int len, long nowMillis) {
    tick(nowMillis);
    Network n = networks.get(networkId);
    if (n == null) {
      count(Drop.UNKNOWN_NETWORK);
      return;
    }
    n.onLocalFrame(source, destination, etherType, vlanId, data, off, len);
  }

  /** Subscribes the tap to a multicast group ({@code ZT_Node_multicastSubscribe}) and announces it. */
  public void multicastSubscribe(long networkId, MulticastGroup group, long nowMillis) {
    tick(nowMillis);
    Network n = networks.get(networkId);
    if (n != null) {
      n.multicastSubscribe(group);
    }
  }

  public void multicastUnsubscribe(long networkId, MulticastGroup group, long nowMillis) {
    tick(nowMillis);
    Network n = networks.get(networkId);
    if (n != null) {
      n.multicastUnsubscribe(group);
    }
  }

  /** The tap's view of a joined network. */
  public Optional<VirtualNetworkConfig> networkConfig(long networkId) {
    Network n = networks.get(networkId);
    return n == null ? Optional.empty() : Optional.of(n.externalConfig());
  }

  /** All joined networks, by id. */
  public List<VirtualNetworkConfig> networkConfigs() {
    List<VirtualNetworkConfig> out = new ArrayList<>();
    for (Network n : networks.values()) {
      out.add(n.externalConfig());
    }
    return out;
  }

  /** The joined network, for inspection (tests, diagnostics). */
  public Optional<Network> network(long networkId) {
    return Optional.ofNullable(networks.get(networkId));
  }

  /** Reports DOWN for every network (the node is closing). */
  public void close() {
    for (Network n : networks.values()) {
      host.onNetworkUpdate(n.id(), NetworkOperation.DOWN, n.externalConfig());
    }
  }

  /** Drops by reason since the node started. */
  public Map<Drop, Long> drops() {
    return Map.copyOf(drops);
  }

  // ---------------------------------------------------------------------------------------------
  // Controller side

  /**
   * Sends a config to a member ({@code Node::ncSendConfig}): cut into chunks signed with our
   * identity, as OK(NETWORK_CONFIG_REQUEST) when answering request {@code inRePacketId}, as
   * NETWORK_CONFIG when pushing ({@code inRePacketId} 0). A config for ourselves is applied
   * directly.
   */
  public void sendConfig(long networkId, long inRePacketId, long destination, NetworkConfig config, long nowMillis) {
    tick(nowMillis);
    controllerAuthorizations.put(new AuthKey(networkId, destination), now);
    if (destination == self) {
      Network n = networks.get(networkId);
      if (n != null) {
        n.setConfiguration(config, true);
      }
      return;
    }
    long updateId = vl1.random().nextLong();
    if (updateId == 0) {
      updateId = 1;
    }
    for (NetworkConfigChunk c : NetworkConfigChunk.split(networkId, config.serialize(), updateId, vl1.identity())) {
      if (inRePacketId != 0) {
        sendOk(destination, VERB_NETWORK_CONFIG_REQUEST, inRePacketId, c.serialize());
      } else {
        send(destination, VERB_NETWORK_CONFIG, c.serialize(), true);
      }
    }
  }

  /** Sends a revocation to a member ({@code Node::ncSendRevocation}). */
  public void sendRevocation(long destination, Revocation revocation, long nowMillis) {
    tick(nowMillis);
    if (destination == self) {
      Network n = networks.get(revocation.networkId());
      if (n != null) {
        n.addCredential(self, revocation);
      }
      return;
    }
    byte[] p = new Vl2Packets.NetworkCredentials(List.of(), List.of(), List.of(), List.of(revocation), List.of())
        .serialize();
    send(destination, VERB_NETWORK_CREDENTIALS, p, true);
  }

  /**
   * Refuses a config request ({@code Node::ncSendError}) with ERROR OBJ_NOT_FOUND,
   * NETWORK_ACCESS_DENIED or NETWORK_AUTHENTICATION_REQUIRED ({@code errorData}: the auth info
   * dictionary, or null).
   */
  public void sendError(long networkId, long inRePacketId, long destination, int errorCode, Dictionary errorData,
      long nowMillis) {
    tick(nowMillis);
    if (destination == self) {
      Network n = networks.get(networkId);
      if (n != null) {
        switch (errorCode) {
          case Verbs.ERROR_OBJ_NOT_FOUND -> n.setNotFound();
          case Verbs.ERROR_NETWORK_ACCESS_DENIED -> n.setAccessDenied();
          case Verbs.ERROR_NETWORK_AUTHENTICATION_REQUIRED -> n.setAuthenticationRequired(NetworkConfig.Sso.DISABLED);
          default -> {
          }
        }
      }
      return;
    }
    if (inRePacketId == 0) {
      return; // errors are only sent in reply to a request
    }
    byte[] p = new Vl2Packets.NetworkError(networkId, null,
        errorCode == Verbs.ERROR_NETWORK_AUTHENTICATION_REQUIRED ? errorData : null).serialize();
    sendError(destination, VERB_NETWORK_CONFIG_REQUEST, inRePacketId, errorCode, p);
  }

  private boolean controllerHasAuthorized(long networkId, long address) {
    Long at = controllerAuthorizations.get(new AuthKey(networkId, address));
    return at != null && now - at < CONTROLLER_AUTHORIZATION_MILLIS;
  }

  // ---------------------------------------------------------------------------------------------
  // Background work

  /** Runs due network work and returns when to run again (absolute time). */
  public long processBackgroundTasks(long nowMillis) {
    tick(nowMillis);
    if (lastPingCheck == Long.MIN_VALUE || now - lastPingCheck >= PING_CHECK_MILLIS) {
      lastPingCheck = now;
      for (Network n : List.copyOf(networks.values())) {
        if (n.configRequestDue(now) && now - n.lastConfigRequest() >= PING_CHECK_MILLIS) {
          n.requestConfiguration(now);
        }
        n.sendUpdatesToMembers(null);
      }
    }
    if (now - lastHousekeeping >= HOUSEKEEPING_MILLIS) {
      lastHousekeeping = now;
      for (Network n : networks.values()) {
        n.clean(now);
      }
      multicaster.clean(now);
      controllerAuthorizations.values().removeIf(at -> now - at >= CONTROLLER_AUTHORIZATION_MILLIS);
    }
    retryPendingCredentials();
    long next = Math.min(lastPingCheck + PING_CHECK_MILLIS, lastHousekeeping + HOUSEKEEPING_MILLIS);
    if (!pendingCredentials.isEmpty()) {
      next = Math.min(next, now + CREDENTIAL_RETRY_MILLIS);
    }
    deadline = next;
    return next;
  }

  /** When {@link #processBackgroundTasks} wants to run next. */
  public long nextDeadline() {
    return deadline;
  }

  private void tick(long nowMillis) {
    now = nowMillis;
    vl1.advanceTime(nowMillis);
  }

  // ---------------------------------------------------------------------------------------------
  // Services for Network and Multicaster

  long self() {
    return self;
  }

  Identity identity() {
    return vl1.identity();
  }

  long now() {
    return now;
  }

  RandomGenerator random() {
    return vl1.random();
  }

  LocalController localController() {
    return localController;
  }

  ConfigRequestMetadata requestMetadata() {
    return ConfigRequestMetadata.forThisNode(osArch);
  }

  /** The identity of {@code address} if VL1 knows it, else null. */
  Identity identityOf(long address) {
    if (address == self) {
      return vl1.identity().withoutPrivateKey();
    }
    Peer p = vl1.peer(address);
    return p == null ? null : p.identity();
  }

  void requestWhois(long address) {
    vl1.requestWhois(address);
  }

  List<Long> upstreams() {
    return vl1.topology().upstreamAddresses();
  }

  /** Sends a VL2 packet (LZ4-compressed when {@code compress} and it helps). */
  void send(long to, int verb, byte[] payload, boolean compress) {
    if (to == self || to == 0) {
      return;
    }
    PacketBuilder p = vl1.newPacket(to, verb);
    p.bytes(payload);
    if (compress) {
      vl1.compressPacket(p);
    }
    vl1.send(p, true);
  }

  /** Sends a FRAME, writing the frame straight into the packet (the unicast hot path). */
  void sendFrame(long to, long networkId, int etherType, byte[] data, int off, int len) {
    PacketBuilder p = vl1.newPacket(to, Verbs.FRAME, 10 + len);
    p.u64(networkId).u16(etherType).bytes(data, off, len);
    vl1.send(p, true);
  }

  private void sendOk(long to, int inReVerb, long inRePacketId, byte[] payload) {
    PacketBuilder p = vl1.newPacket(to, Verbs.OK);
    p.u8(inReVerb).u64(inRePacketId).bytes(payload);
    vl1.compressPacket(p);
    vl1.send(p, true);
  }

  private void sendError(long to, int inReVerb, long inRePacketId, int code, byte[] payload) {
    PacketBuilder p = vl1.newPacket(to, Verbs.ERROR);
    p.u8(inReVerb).u64(inRePacketId).u8(code).bytes(payload);
    vl1.send(p, true);
  }

  void deliverFrame(long networkId, MAC from, MAC to, int etherType, int vlanId, byte[] data, int off, int len) {
    host.deliverFrame(networkId, from, to, etherType, vlanId, data, off, len);
  }

  void networkUpdate(Network n, NetworkOperation op) {
    host.onNetworkUpdate(n.id(), op, n.externalConfig());
  }

  void saveConfig(long networkId, byte[] config) {
    host.statePut(StateObject.NETWORK_CONFIG, networkId, config);
  }

  void count(Drop d) {
    drops.merge(d, 1L, Long::sum);
  }

  private boolean refusesPhysicalPath(InetAddress remote) {
    for (Network n : networks.values()) {
      if (n.containsPhysicalAddress(remote)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Sends a multicast from our tap (or replicates one for {@code origin}) through the
   * {@link Multicaster}, via a multicast replicator if the network has a live one.
   */
  void multicast(Network n, long origin, MulticastGroup group, MAC bridgedSource, int etherType, byte[] frame) {
    NetworkConfig c = n.config().orElseThrow();
    if (!c.activeBridges().contains(self)) {
      List<Long> replicators = c.multicastReplicators();
      if (!replicators.isEmpty() && !replicators.contains(self)) {
        long best = 0;
        int bestLatency = Integer.MAX_VALUE;
        for (long r : replicators) {
          Peer p = vl1.peer(r);
          if (p != null && p.isAlive(now)) {
            int l = p.latencyMillis(now);
            if (l < bestLatency) {
              bestLatency = l;
              best = r;
            }
          }
        }
        if (best != 0) {
          MAC src = bridgedSource != null ? bridgedSource : n.mac();
          n.pushCredentialsIfNeeded(best, now);
          send(best, VERB_MULTICAST_FRAME, Vl2Packets.MulticastFrame.serialize(n.id(),
              Vl2Packets.MULTICAST_FRAME_FLAG_REPLICATE, 0, src, group, etherType, frame, 0, frame.length),
              !c.disableCompression());
          return;
        }
      }
    }
    MAC filterSource = bridgedSource != null ? bridgedSource : n.mac();
    multicaster.send(now, n.id(), c.multicastLimit(), c.activeBridges(), origin, group, bridgedSource, filterSource,
        etherType, frame, vl1.random(), this::sendMulticastCopy, () -> gatherPeers(n), (peer, limit) -> {
          CertificateOfMembership com = c.com().orElse(null);
          send(peer, VERB_MULTICAST_GATHER,
              new Vl2Packets.MulticastGather(n.id(), 0, group, limit, com).serialize(), true);
        });
  }

  /** The best root, the controller, then anchors and replicators (shuffled), at most 16. */
  private List<Long> gatherPeers(Network n) {
    List<Long> out = new ArrayList<>();
    Peer root = vl1.bestUpstream();
    if (root != null) {
      out.add(root.address());
    }
    if (!out.contains(n.controller()) && n.controller() != self) {
      out.add(n.controller());
    }
    NetworkConfig c = n.config().orElseThrow();
    List<Long> ac = new ArrayList<>(c.alwaysContactAddresses());
    for (int i = ac.size() - 1; i > 0; i--) {
      int j = vl1.random().nextInt(i + 1);
      Long t = ac.get(i);
      ac.set(i, ac.get(j));
      ac.set(j, t);
    }
    for (long a : ac) {
      if (out.size() >= 16) {
        break;
      }
      if (a != self && !out.contains(a)) {
        out.add(a);
      }
    }
    for (long a : c.anchors()) {
      if (out.size() >= 16) {
        break;
      }
      if (a != self && !out.contains(a)) {
        out.add(a);
      }
    }
    return out;
  }

  private void sendMulticastCopy(long networkId, Multicaster.Outbound out, long to) {
    Network n = networks.get(networkId);
    if (n == null || !n.filterMulticastRecipient(out, to)) {
      return;
    }
    n.pushCredentialsIfNeeded(to, now);
    boolean compress = n.config().map(c -> !c.disableCompression()).orElse(true);
    send(to, VERB_MULTICAST_FRAME, Vl2Packets.MulticastFrame.serialize(networkId, 0, out.gatherLimit, out.source,
        out.group, out.etherType, out.frame, 0, out.frame.length), compress);
  }

  // ---------------------------------------------------------------------------------------------
  // Verb handlers

  private boolean onFrame(InboundPacket p) {
    now = vl1.now();
    Parsed<Vl2Packets.Frame> pf = Vl2Packets.Frame.parse(p.data(), PacketBuilder.IDX_PAYLOAD, p.payloadLength());
    if (!pf.isOk()) {
      count(Drop.MALFORMED);
      vl1.received(p, false);
      return true;
    }
    Vl2Packets.Frame f = pf.value();
    Network n = networks.get(f.networkId());
    boolean trust = false;
    if (n != null) {
      long peer = p.peer().address();
      if (n.gate(peer, p.peer().identity())) {
        trust = true;
        if (f.length() > 0 && f.length() <= MAX_MTU) {
          MAC source = MAC.fromAddress(peer, n.id());
          if (n.filterIncoming(peer, source, n.mac(), f.etherType(), f.data(), f.offset(), f.length()) > 0) {
            deliverFrame(n.id(), source, n.mac(), f.etherType(), 0, f.data(), f.offset(), f.length());
          } else {
            count(Drop.FILTERED);
          }
        }
      } else {
        count(Drop.NOT_A_MEMBER);
        sendErrorNeedCredentials(p, f.networkId());
        return false;
      }
    } else {
      count(Drop.UNKNOWN_NETWORK);
    }
    vl1.received(p, trust);
    return true;
  }

  private boolean onExtFrame(InboundPacket p) {
    now = vl1.now();
    Parsed<Vl2Packets.ExtFrame> pf = Vl2Packets.ExtFrame.parse(p.data(), PacketBuilder.IDX_PAYLOAD, p.payloadLength());
    if (!pf.isOk()) {
      count(Drop.MALFORMED);
      vl1.received(p, false);
      return true;
    }
    Vl2Packets.ExtFrame f = pf.value();
    Network n = networks.get(f.networkId());
    if (n == null) {
      count(Drop.UNKNOWN_NETWORK);
      vl1.received(p, false);
      return true;
    }
    long peer = p.peer().address();
    if (f.com() != null) {
      n.addCredential(f.com());
    }
    if (!n.gate(peer, p.peer().identity())) {
      count(Drop.NOT_A_MEMBER);
      sendErrorNeedCredentials(p, f.networkId());
      return false;
    }
    NetworkConfig c = n.config().orElseThrow();
    MAC from = f.source();
    MAC to = f.destination();
    if (f.length() > 0 && f.length() <= MAX_MTU && from.value() != 0 && !from.equals(n.mac())) {
      int accept = n.filterIncoming(peer, from, to, f.etherType(), f.data(), f.offset(), f.length());
      boolean deliver = accept == 2;
      if (accept == 1) {
        deliver = true;
        if (!from.equals(MAC.fromAddress(peer, n.id()))) {
          if (c.permitsBridging(peer)) {
            n.learnBridgeRoute(from, peer);
          } else {
            count(Drop.BRIDGING_NOT_ALLOWED);
            deliver = false;
          }
        } else if (!to.equals(n.mac())) {
          if (to.isMulticast()) {
            if (c.multicastLimit() == 0) {
              count(Drop.MULTICAST_DISABLED);
              deliver = false;
            }
          } else if (!c.permitsBridging(self)) {
            count(Drop.BRIDGING_NOT_ALLOWED);
            deliver = false;
          }
        }
      } else if (accept == 0) {
        count(Drop.FILTERED);
      }
      if (deliver) {
        deliverFrame(n.id(), from, to, f.etherType(), 0, f.data(), f.offset(), f.length());
      }
    }
    if ((f.flags() & Vl2Packets.EXT_FRAME_FLAG_ACK) != 0) {
      sendOk(peer, Verbs.EXT_FRAME, p.packetId(), new WireWriter(8).u64(f.networkId()).toByteArray());
    }
    vl1.received(p, true);
    return true;
  }

  private void sendErrorNeedCredentials(InboundPacket p, long networkId) {
    sendError(p.peer().address(), p.verb(), p.packetId(), Verbs.ERROR_NEED_MEMBERSHIP_CERTIFICATE,
        new WireWriter(8).u64(networkId).toByteArray());
  }

  private boolean onMulticastLike(InboundPacket p) {
    now = vl1.now();
    Parsed<List<Vl2Packets.Like>> pl =
        Vl2Packets.MulticastLike.parse(p.data(), PacketBuilder.IDX_PAYLOAD, p.payloadLength() / 18 * 18);
    if (!pl.isOk()) {
      count(Drop.MALFORMED);
      vl1.received(p, false);
      return true;
    }
    long peer = p.peer().address();
    long lastNwid = 0;
    boolean authorized = false;
    for (Vl2Packets.Like l : pl.value()) {
      if (l.networkId() != lastNwid || lastNwid == 0) {
        lastNwid = l.networkId();
        Network n = networks.get(l.networkId());
        authorized = n != null && n.gate(peer, p.peer().identity());
        if (!authorized) {
          authorized = vl1.topology().amUpstream() || controllerHasAuthorized(l.networkId(), peer);
        }
      }
      if (authorized) {
        multicaster.add(now, l.networkId(), l.group(), peer, this::sendMulticastCopy);
      }
    }
    vl1.received(p, false);
    return true;
  }

  private boolean onNetworkCredentials(InboundPacket p) {
    now = vl1.now();
    if (!p.peer().rateGateCredentialsReceived(now)) {
      vl1.received(p, false);
      return true;
    }
    Parsed<Vl2Packets.NetworkCredentials> pc =
        Vl2Packets.NetworkCredentials.parse(p.data(), PacketBuilder.IDX_PAYLOAD, p.payloadLength());
    if (!pc.isOk()) {
      count(Drop.MALFORMED);
      vl1.received(p, false);
      return true;
    }
    Vl2Packets.NetworkCredentials c = pc.value();
    long from = p.peer().address();
    boolean trust = false;
    List<Object> all = new ArrayList<>();
    all.addAll(c.coms());
    all.addAll(c.capabilities());
    all.addAll(c.tags());
    all.addAll(c.revocations());
    all.addAll(c.certificatesOfOwnership());
    for (Object cred : all) {
      Membership.AddResult r = addCredential(from, cred);
      if (r == Membership.AddResult.ACCEPTED_NEW || r == Membership.AddResult.ACCEPTED_REDUNDANT) {
        trust = true;
      } else if (r == Membership.AddResult.DEFERRED_FOR_WHOIS) {
        pendingCredentials.add(new PendingCredential(from, networkIdOf(cred), cred, now));
      }
    }
    vl1.received(p, trust);
    return true;
  }

  private static long networkIdOf(Object cred) {
    if (cred instanceof CertificateOfMembership c) {
      return c.networkId();
    }
    if (cred instanceof Capability c) {
      return c.networkId();
    }
    if (cred instanceof Tag t) {
      return t.networkId();
    }
    if (cred instanceof Revocation r) {
      return r.networkId();
    }
    return ((CertificateOfOwnership) cred).networkId();
  }

  /** Adds one credential to its network; null result means no such network. */
  private Membership.AddResult addCredential(long from, Object cred) {
    Network n = networks.get(networkIdOf(cred));
    if (n == null) {
      return null;
    }
    Membership.AddResult r;
    long missing = 0;
    if (cred instanceof CertificateOfMembership c) {
      r = n.addCredential(c);
      if (r == Membership.AddResult.DEFERRED_FOR_WHOIS) {
        missing = c.signedBy();
      }
    } else if (cred instanceof Capability c) {
      r = n.addCredential(from, c);
      missing = r == Membership.AddResult.DEFERRED_FOR_WHOIS ? n.membershipFor(c.issuedTo()).missingIdentity() : 0;
    } else if (cred instanceof Tag t) {
      r = n.addCredential(t);
      missing = r == Membership.AddResult.DEFERRED_FOR_WHOIS ? t.signedBy() : 0;
    } else if (cred instanceof Revocation rv) {
      r = n.addCredential(from, rv);
      missing = r == Membership.AddResult.DEFERRED_FOR_WHOIS ? rv.signedBy() : 0;
    } else {
      CertificateOfOwnership c = (CertificateOfOwnership) cred;
      r = n.addCredential(c);
      missing = r == Membership.AddResult.DEFERRED_FOR_WHOIS ? c.signedBy() : 0;
    }
    if (r == Membership.AddResult.REJECTED) {
      count(Drop.CREDENTIAL_REJECTED);
    }
    if (missing != 0) {
      requestWhois(missing);
    }
    return r;
  }

  private void retryPendingCredentials() {
    if (pendingCredentials.isEmpty()) {
      return;
    }
    List<PendingCredential> todo = new ArrayList<>(pendingCredentials);
    pendingCredentials.clear();
    for (PendingCredential pc : todo) {
      if (now - pc.at() > CREDENTIAL_WAIT_MILLIS) {
        continue;
      }
      if (addCredential(pc.from(), pc.credential()) == Membership.AddResult.DEFERRED_FOR_WHOIS) {
        pendingCredentials.add(pc);
      }
    }
  }

  private boolean onNetworkConfigRequest(InboundPacket p) {
    now = vl1.now();
    Parsed<Vl2Packets.ConfigRequest> pr =
        Vl2Packets.ConfigRequest.parse(p.data(), PacketBuilder.IDX_PAYLOAD, p.payloadLength());
    if (!pr.isOk()) {
      count(Drop.MALFORMED);
      vl1.received(p, false);
      return true;
    }
    Vl2Packets.ConfigRequest r = pr.value();
    if (localController != null) {
      InetAddress from = p.hops() > 0 ? InetAddress.NIL : p.path().address();
      localController.request(r.networkId(), from, p.packetId(), p.peer().identity(), r.metadata());
    } else {
      sendError(p.peer().address(), Verbs.NETWORK_CONFIG_REQUEST, p.packetId(), Verbs.ERROR_UNSUPPORTED_OPERATION,
          new WireWriter(8).u64(r.networkId()).toByteArray());
    }
    vl1.received(p, false);
    return true;
  }

  private boolean onNetworkConfig(InboundPacket p) {
    now = vl1.now();
    if (p.payloadLength() < 8) {
      count(Drop.MALFORMED);
      vl1.received(p, false);
      return true;
    }
    long nwid = p.payload().u64();
    Network n = networks.get(nwid);
    if (n != null) {
      long updateId = n.handleConfigChunk(p.packetId(), p.source(), p.data(), PacketBuilder.IDX_PAYLOAD,
          p.payloadLength());
      if (updateId != 0) {
        // ZeroTier acknowledges with OK naming ECHO as the in-re verb.
        sendOk(p.peer().address(), Verbs.ECHO, p.packetId(), new WireWriter(16).u64(nwid).u64(updateId).toByteArray());
      }
    }
    vl1.received(p, false);
    return true;
  }

  private void onConfigOk(InboundPacket p, PayloadReader rest) {
    now = vl1.now();
    if (rest.remaining() < 8) {
      return;
    }
    long nwid = new WireReader(rest.buffer(), rest.position(), rest.remaining()).u64("network id");
    Network n = networks.get(nwid);
    if (n != null) {
      n.handleConfigChunk(p.packetId(), p.source(), rest.buffer(), rest.position(), rest.remaining());
    }
  }

  private boolean onMulticastGather(InboundPacket p) {
    now = vl1.now();
    Parsed<Vl2Packets.MulticastGather> pg =
        Vl2Packets.MulticastGather.parse(p.data(), PacketBuilder.IDX_PAYLOAD, p.payloadLength());
    if (!pg.isOk()) {
      count(Drop.MALFORMED);
      vl1.received(p, false);
      return true;
    }
    Vl2Packets.MulticastGather g = pg.value();
    Network n = networks.get(g.networkId());
    long peer = p.peer().address();
    if (g.com() != null && n != null) {
      n.addCredential(g.com());
    }
    boolean trust = n != null && n.gate(peer, p.peer().identity());
    if (g.gatherLimit() > 0 && (trust || vl1.topology().amUpstream() || controllerHasAuthorized(g.networkId(), peer))) {
      Vl2Packets.GatherResults res = multicaster.gather(peer, g.networkId(), g.group(), g.gatherLimit(),
          n != null && n.subscribedTo(g.group(), true), vl1.random());
      if (!res.members().isEmpty()) {
        sendOk(peer, Verbs.MULTICAST_GATHER, p.packetId(),
            new Vl2Packets.MulticastGatherOk(g.networkId(), g.group(), res).serialize());
      }
    }
    vl1.received(p, trust);
    return true;
  }

  private boolean onMulticastFrame(InboundPacket p) {
    now = vl1.now();
    Parsed<Vl2Packets.MulticastFrame> pf =
        Vl2Packets.MulticastFrame.parse(p.data(), PacketBuilder.IDX_PAYLOAD, p.payloadLength());
    if (!pf.isOk()) {
      count(Drop.MALFORMED);
      vl1.received(p, false);
      return true;
    }
    Vl2Packets.MulticastFrame f = pf.value();
    Network n = networks.get(f.networkId());
    if (n == null) {
      count(Drop.UNKNOWN_NETWORK);
      vl1.received(p, false);
      return true;
    }
    long peer = p.peer().address();
    if (f.com() != null) {
      n.addCredential(f.com());
    }
    if (!n.gate(peer, p.peer().identity())) {
      count(Drop.NOT_A_MEMBER);
      sendErrorNeedCredentials(p, f.networkId());
      return false;
    }
    NetworkConfig c = n.config().orElseThrow();
    MAC from = f.source() != null ? f.source() : MAC.fromAddress(peer, n.id());
    if (c.multicastLimit() == 0) {
      count(Drop.MULTICAST_DISABLED);
      vl1.received(p, false);
      return true;
    }
    if (f.length() > 0 && f.length() <= MAX_MTU) {
      if (!f.group().mac().isMulticast() || from.value() == 0 || from.isMulticast() || from.equals(n.mac())) {
        count(Drop.INVALID_SOURCE_MAC);
        vl1.received(p, true);
        return true;
      }
      byte[] frame = java.util.Arrays.copyOfRange(f.data(), f.offset(), f.offset() + f.length());
      if ((f.flags() & Vl2Packets.MULTICAST_FRAME_FLAG_REPLICATE) != 0 && c.multicastReplicators().contains(self)) {
        multicast(n, peer, f.group(), f.source(), f.etherType(), frame);
      }
      boolean ok = true;
      if (!from.equals(MAC.fromAddress(peer, n.id()))) {
        if (c.permitsBridging(peer)) {
          n.learnBridgeRoute(from, peer);
        } else {
          count(Drop.BRIDGING_NOT_ALLOWED);
          ok = false;
        }
      }
      if (ok) {
        if (n.filterIncoming(peer, from, f.group().mac(), f.etherType(), frame, 0, frame.length) > 0) {
          deliverFrame(n.id(), from, f.group().mac(), f.etherType(), 0, frame, 0, frame.length);
        } else {
          count(Drop.FILTERED);
        }
      }
    }
    if (f.gatherLimit() != 0) {
      Vl2Packets.GatherResults res = multicaster.gather(peer, f.networkId(), f.group(), f.gatherLimit(),
          n.subscribedTo(f.group(), true), vl1.random());
      if (!res.members().isEmpty()) {
        sendOk(peer, Verbs.MULTICAST_FRAME, p.packetId(),
            new Vl2Packets.MulticastFrameOk(f.networkId(), f.group(), 0x02, null, res).serialize());
      }
    }
    vl1.received(p, true);
    return true;
  }

  private void onGatherOk(InboundPacket p, PayloadReader rest) {
    now = vl1.now();
    Parsed<Vl2Packets.MulticastGatherOk> po =
        Vl2Packets.MulticastGatherOk.parse(rest.buffer(), rest.position(), rest.remaining());
    if (!po.isOk()) {
      count(Drop.MALFORMED);
      return;
    }
    Vl2Packets.MulticastGatherOk ok = po.value();
    if (networks.containsKey(ok.networkId())) {
      for (long m : ok.results().members()) {
        multicaster.add(now, ok.networkId(), ok.group(), m, this::sendMulticastCopy);
      }
    }
  }

  private void onMulticastFrameOk(InboundPacket p, PayloadReader rest) {
    now = vl1.now();
    Parsed<Vl2Packets.MulticastFrameOk> po =
        Vl2Packets.MulticastFrameOk.parse(rest.buffer(), rest.position(), rest.remaining());
    if (!po.isOk()) {
      count(Drop.MALFORMED);
      return;
    }
    Vl2Packets.MulticastFrameOk ok = po.value();
    Network n = networks.get(ok.networkId());
    if (n == null) {
      return;
    }
    if (ok.com() != null) {
      n.addCredential(ok.com());
    }
    if (ok.results() != null) {
      for (long m : ok.results().members()) {
        multicaster.add(now, ok.networkId(), ok.group(), m, this::sendMulticastCopy);
      }
    }
  }

  private void onError(InboundPacket p, int inReVerb, int code, PayloadReader rest) {
    now = vl1.now();
    Parsed<Vl2Packets.NetworkError> pe = Vl2Packets.NetworkError.parse(code, rest.buffer(), rest.position(),
        rest.remaining());
    if (!pe.isOk()) {
      return;
    }
    Vl2Packets.NetworkError e = pe.value();
    Network n = networks.get(e.networkId());
    if (n == null) {
      return;
    }
    long peer = p.peer().address();
    switch (code) {
      case Verbs.ERROR_OBJ_NOT_FOUND, Verbs.ERROR_UNSUPPORTED_OPERATION -> {
        if (inReVerb == Verbs.NETWORK_CONFIG_REQUEST && n.controller() == peer) {
          n.setNotFound();
        }
      }
      case Verbs.ERROR_NEED_MEMBERSHIP_CERTIFICATE -> n.peerRequestedCredentials(peer, now);
      case Verbs.ERROR_NETWORK_ACCESS_DENIED -> {
        if (n.controller() == peer) {
          n.setAccessDenied();
        }
      }
      case Verbs.ERROR_UNWANTED_MULTICAST -> {
        if (e.group() != null && n.gate(peer, p.peer().identity())) {
          multicaster.remove(n.id(), e.group(), peer);
        }
      }
      case Verbs.ERROR_NETWORK_AUTHENTICATION_REQUIRED -> {
        if (n.controller() == peer) {
          n.setAuthenticationRequired(authInfo(e.authInfo()));
        }
      }
      default -> {
      }
    }
  }

  /** The SSO settings an AUTHENTICATION_REQUIRED error carries ({@code ZT_AUTHINFO_DICT_KEY_*}). */
  private static NetworkConfig.Sso authInfo(Dictionary d) {
    if (d == null) {
      return new NetworkConfig.Sso(0, true, "", 0, "", "", "", "", "", "default");
    }
    long version = d.getHex("aV", 0);
    if (version == 0) {
      return new NetworkConfig.Sso(0, true, text(d, "aU", 2047), 0, "", "", "", "", "", "default");
    }
    String provider = text(d, "aSSOp", 63);
    return new NetworkConfig.Sso(1, true, "", 0, text(d, "iU", 2047), text(d, "aCU", 2047), text(d, "aN", 63),
        text(d, "aS", 127), text(d, "aCID", 255), provider.isEmpty() ? "default" : provider);
  }

  private static String text(Dictionary d, String key, int max) {
    String s = d.getString(key).orElse("");
    int nul = s.indexOf('\0');
    if (nul >= 0) {
      s = s.substring(0, nul);
    }
    return s.length() > max ? s.substring(0, max) : s;
  }

  @Override
  public String toString() {
    return "Vl2[" + networks.keySet().stream().map(Long::toHexString).toList() + "]";
  }
}

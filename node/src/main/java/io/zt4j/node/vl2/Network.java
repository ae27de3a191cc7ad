package io.zt4j.node.vl2;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.RulesEngine.Frame;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.MulticastGroup;
import io.zt4j.node.wire.Parsed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One joined virtual network ({@code Network} in ZeroTier): its config and status, the members
 * we talk to ({@link Membership}), our multicast subscriptions, and the frame paths between our
 * tap and the other members.
 *
 * <ul>
 *   <li>Config: asked of the controller at join, then every minute (every 5 s while we have none);
 *       NETWORK_CONFIG / OK chunks are reassembled (three updates at a time), each chunk checked
 *       against the controller's signature, and the result applied, persisted and reported.
 *   <li>Frames from the tap ({@link #onLocalFrame}) become FRAME, EXT_FRAME (bridged) or
 *       MULTICAST_FRAME (multicast, broadcast, ARP via its ADI group) after the rules; credentials
 *       are pushed to a member before our first frames to it.
 *   <li>Frames from members are delivered only if the member is allowed on the network (its COM
 *       agrees with ours, it is not revoked) and the rules accept them.
 * </ul>
 *
 * <p>Not thread-safe; owned by {@link Vl2} and used on the node's thread.
 */
public final class Network {

  /** Interval between config refreshes ({@code ZT_NETWORK_AUTOCONF_DELAY}). */
  public static final long CONFIG_REFRESH_MILLIS = 60_000;
  /** Minimum interval between credential pushes asked for by a member. */
  static final long CREDENTIALS_REQUEST_RATE_LIMIT_MILLIS = 1_000;
  /** A member without credentials from us for this long gets them again. */
  static final long CREDENTIALS_PUSH_PERIOD_MILLIS = 500_000;
  static final int MAX_INCOMING_UPDATES = 3;
  static final int MAX_UPDATE_CHUNKS = io.zt4j.node.wire.Dictionary.NETWORK_CONFIG_CAPACITY / 1024 + 1;
  static final int MAX_BRIDGE_ROUTES = 65_536;
  static final int MAX_BRIDGE_SPAM = 32;

  private enum Failure {
    NONE,
    ACCESS_DENIED,
    NOT_FOUND,
    AUTHENTICATION_REQUIRED
  }

  /** A config update being reassembled from chunks. */
  private static final class IncomingUpdate {
    long updateId;
    long ts;
    byte[] data = new byte[0];
    int haveBytes;
    final List<Long> haveChunkIds = new ArrayList<>();
  }

  private final Vl2 vl2;
  private final long id;
  private final long self;
  private final MAC mac;
  private NetworkConfig config;
  private long lastConfigUpdate;
  private long lastConfigRequest = Long.MIN_VALUE;
  private long lastAnnouncedUpstream = Long.MIN_VALUE;
  private Failure failure = Failure.NONE;
  private NetworkConfig.Sso ssoOverride;
  private final IncomingUpdate[] incoming = new IncomingUpdate[MAX_INCOMING_UPDATES];
  private long updateCounter;
  private final Map<Long, Membership> memberships = new TreeMap<>();
  private final TreeSet<MulticastGroup> myGroups = new TreeSet<>();
  private final TreeSet<MulticastGroup> implicitGroups = new TreeSet<>();
  private final Map<MulticastGroup, Long> groupsBehindMe = new HashMap<>();
  private final Map<MAC, Long> remoteBridgeRoutes = new HashMap<>();
  private final RulesEngine engine;

  Network(Vl2 vl2, long id) {
    this.vl2 = vl2;
    this.id = id;
    this.self = vl2.self();
    this.mac = MAC.fromAddress(self, id);
    this.engine = new RulesEngine(self, vl2.random());
    for (int i = 0; i < incoming.length; i++) {
      incoming[i] = new IncomingUpdate();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  public long id() {
    return id;
  }

  /** Our MAC on this network. */
  public MAC mac() {
    return mac;
  }

  /** The network's controller: the first 40 bits of its id. */
  public long controller() {
    return CertificateOfMembership.controllerFor(id);
  }

  /** The current config, if any. */
  public Optional<NetworkConfig> config() {
    return Optional.ofNullable(config);
  }

  public boolean hasConfig() {
    return config != null;
  }

  /** When the current config was applied (0 if restored from disk or none). */
  public long lastConfigUpdate() {
    return lastConfigUpdate;
  }

  public NetworkStatus status() {
    return switch (failure) {
      case ACCESS_DENIED -> NetworkStatus.ACCESS_DENIED;
      case NOT_FOUND -> NetworkStatus.NOT_FOUND;
      case AUTHENTICATION_REQUIRED -> NetworkStatus.AUTHENTICATION_REQUIRED;
      case NONE -> config != null ? NetworkStatus.OK : NetworkStatus.REQUESTING_CONFIGURATION;
    };
  }

  /** The member record for {@code address}, if we have one. */
  public Optional<Membership> membership(long address) {
    return Optional.ofNullable(memberships.get(address));
  }

  Membership membershipFor(long address) {
    return memberships.computeIfAbsent(address, Membership::new);
  }

  /** The snapshot the tap gets ({@code ZT_VirtualNetworkConfig}). */
  public VirtualNetworkConfig externalConfig() {
    NetworkConfig c = config;
    NetworkConfig.Sso sso = ssoOverride != null ? ssoOverride : c != null ? c.sso() : NetworkConfig.Sso.DISABLED;
    return new VirtualNetworkConfig(id, mac, c != null ? c.name() : "", status(), c == null || c.isPrivate(),
        c != null ? c.mtu() : NetworkConfig.DEFAULT_MTU, c != null && c.activeBridges().contains(self),
        c != null && c.enableBroadcast(), c != null ? c.revision() : 0, c != null ? c.staticIps() : List.of(),
        c != null ? c.routes() : List.of(), List.copyOf(allMyGroups()), c != null ? c.dns() : NetworkConfig.Dns.NONE,
        sso);
  }

  /** Our subscriptions: the tap's plus the address-resolution groups of our managed addresses. */
  List<MulticastGroup> subscriptions() {
    return List.copyOf(allMyGroups());
  }

  private TreeSet<MulticastGroup> allMyGroups() {
    TreeSet<MulticastGroup> all = new TreeSet<>(myGroups);
    all.addAll(implicitGroups);
    return all;
  }

  /** All groups we announce: ours, bridged hosts' and broadcast if enabled. */
  private List<MulticastGroup> allMulticastGroups() {
    TreeSet<MulticastGroup> all = allMyGroups();
    all.addAll(groupsBehindMe.keySet());
    if (config != null && config.enableBroadcast()) {
      all.add(MulticastGroup.BROADCAST);
    }
    return new ArrayList<>(all);
  }

  boolean subscribedTo(MulticastGroup g, boolean includeBridged) {
    return myGroups.contains(g) || implicitGroups.contains(g) || (includeBridged && groupsBehindMe.containsKey(g));
  }

  // ---------------------------------------------------------------------------------------------
  // Config

  /** Loads the stored config (if any) when joining; the stored one is refreshed right after. */
  void restore(byte[] stored) {
    if (stored == null || stored.length <= 1) {
      return;
    }
    Parsed<NetworkConfig> p = NetworkConfig.parse(stored);
    if (p.isOk()) {
      setConfiguration(p.value(), false);
      lastConfigUpdate = 0;
    }
  }

  /** Whether a config request is due ({@code Node::processBackgroundTasks}). */
  boolean configRequestDue(long now) {
    return config == null || now - lastConfigUpdate >= CONFIG_REFRESH_MILLIS;
  }

  /** Asks the controller for our config ({@code Network::requestConfiguration}). */
  void requestConfiguration(long now) {
    lastConfigRequest = now;
    if (AdHocNetwork.isControllerless(id)) {
      if (AdHocNetwork.isNotFound(id)) {
        setNotFound();
      } else {
        AdHocNetwork.config(id, self, now).ifPresent(c -> setConfiguration(c, false));
      }
      return;
    }
    ConfigRequestMetadata md = vl2.requestMetadata();
    if (controller() == self) {
      LocalController lc = vl2.localController();
      if (lc != null) {
        lc.request(id, InetAddress.NIL, -1L, vl2.identity(), md.toDictionary());
      } else {
        setNotFound();
      }
      return;
    }
    Vl2Packets.ConfigRequest req = new Vl2Packets.ConfigRequest(id, md.toDictionary(),
        config != null ? config.revision() : 0, config != null ? config.timestamp() : 0);
    vl2.send(controller(), Vl2.VERB_NETWORK_CONFIG_REQUEST, req.serialize(), true);
  }

  long lastConfigRequest() {
    return lastConfigRequest;
  }

  /**
   * Takes one config chunk ({@code Network::handleConfigChunk}): NETWORK_CONFIG or the rest of
   * OK(NETWORK_CONFIG_REQUEST) from the network id on.
   *
   * @return the config update id when this chunk completed a config that was applied, else 0
   */
  long handleConfigChunk(long packetId, long source, byte[] buf, int off, int len) {
    if (len < 10) {
      return 0;
    }
    int chunkLen = ((buf[off + 8] & 0xFF) << 8) | (buf[off + 9] & 0xFF);
    if (len < 10 + chunkLen) {
      return 0;
    }
    IncomingUpdate slot = null;
    long updateId;
    long total;
    long index;
    byte[] data;
    long chunkId = 0;
    if (len > 10 + chunkLen) {
      Parsed<NetworkConfigChunk> pc = NetworkConfigChunk.parse(buf, off, len);
      if (!pc.isOk()) {
        vl2.count(Vl2.Drop.BAD_CONFIG_CHUNK);
        return 0;
      }
      NetworkConfigChunk c = pc.value();
      if (c.totalLength() >= io.zt4j.node.wire.Dictionary.NETWORK_CONFIG_CAPACITY) {
        vl2.count(Vl2.Drop.BAD_CONFIG_CHUNK);
        return 0;
      }
      byte[] sig = c.signature();
      for (int i = 0; i < 16; i++) {
        chunkId ^= (sig[i] & 0xFFL) << (8 * (i & 7));
      }
      updateId = c.updateId();
      for (IncomingUpdate u : incoming) {
        if (u.updateId == updateId) {
          slot = u;
          if (u.haveChunkIds.contains(chunkId)) {
            return 0; // duplicate
          }
          break;
        } else if (slot == null || u.ts < slot.ts) {
          slot = u;
        }
      }
      Identity controllerId = vl2.identityOf(controller());
      if (controllerId == null) {
        vl2.requestWhois(controller());
        return 0;
      }
      if (!c.verify(controllerId)) {
        vl2.count(Vl2.Drop.BAD_CONFIG_SIGNATURE);
        return 0;
      }
      if ((c.flags() & 0x01) != 0) {
        // Fast propagation: pass the verified chunk on to the members we know.
        byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
        for (long m : memberships.keySet()) {
          if (m != source && m != controller()) {
            vl2.send(m, Vl2.VERB_NETWORK_CONFIG, copy, true);
          }
        }
      }
      total = c.totalLength();
      index = c.chunkIndex();
      data = c.data();
    } else if (source == controller() || source == 0) {
      // Legacy single-chunk unsigned config, accepted only from the controller itself.
      chunkId = packetId;
      updateId = chunkId;
      total = chunkLen;
      index = 0;
      data = java.util.Arrays.copyOfRange(buf, off + 10, off + 10 + chunkLen);
      if (total >= io.zt4j.node.wire.Dictionary.NETWORK_CONFIG_CAPACITY) {
        return 0;
      }
      for (IncomingUpdate u : incoming) {
        if (slot == null || u.ts < slot.ts) {
          slot = u;
        }
      }
    } else {
      return 0;
    }

    slot.ts = ++updateCounter;
    if (slot.updateId != updateId) {
      slot.updateId = updateId;
      slot.haveChunkIds.clear();
      slot.haveBytes = 0;
      slot.data = new byte[(int) total];
    } else if (slot.data.length != total) {
      vl2.count(Vl2.Drop.BAD_CONFIG_CHUNK);
      return 0;
    }
    if (slot.haveChunkIds.size() >= MAX_UPDATE_CHUNKS) {
      return 0;
    }
    slot.haveChunkIds.add(chunkId);
    System.arraycopy(data, 0, slot.data, (int) index, data.length);
    slot.haveBytes += data.length;
    if (slot.haveBytes != total) {
      return 0;
    }
    byte[] assembled = slot.data;
    slot.data = new byte[0];
    slot.haveBytes = 0;
    Parsed<NetworkConfig> nc = NetworkConfig.parse(assembled);
    if (!nc.isOk()) {
      vl2.count(Vl2.Drop.BAD_CONFIG);
      return 0;
    }
    setConfiguration(nc.value(), true);
    return updateId;
  }

  /**
   * Applies a config ({@code Network::setConfiguration}).
   *
   * @return 0 not for us, 1 the same as we have, 2 applied
   */
  int setConfiguration(NetworkConfig nc, boolean save) {
    if (nc.issuedTo() != self || nc.networkId() != id) {
      vl2.count(Vl2.Drop.CONFIG_NOT_FOR_US);
      return 0;
    }
    if (nc.equals(config)) {
      return 1;
    }
    boolean first = config == null;
    config = nc;
    lastConfigUpdate = vl2.now();
    failure = Failure.NONE;
    ssoOverride = null;
    if (save) {
      vl2.saveConfig(id, nc.serialize());
    }
    List<MulticastGroup> added = updateImplicitGroups();
    vl2.networkUpdate(this, NetworkOperation.CONFIG_UPDATE);
    if (first) {
      // All groups to the controller and roots now, even if a background run announced the
      // tap's early groups within the last minute: the address-resolution groups are new (in
      // ZeroTier One the OS tap subscribes them as new groups once the address is up), and
      // without them nobody's ARP finds us until the next periodic announcement.
      lastAnnouncedUpstream = Long.MIN_VALUE;
      sendUpdatesToMembers(null);
    } else {
      for (MulticastGroup g : added) {
        sendUpdatesToMembers(g);
      }
    }
    return 2;
  }

  /**
   * Subscribes to the address-resolution groups of our managed addresses (ARP for IPv4, NDP
   * solicited-node for IPv6), so others find us before our stack subscribes itself.
   */
  private List<MulticastGroup> updateImplicitGroups() {
    TreeSet<MulticastGroup> want = new TreeSet<>();
    for (InetAddress a : config.staticIps()) {
      want.add(MulticastGroup.forAddressResolution(a));
    }
    List<MulticastGroup> added = new ArrayList<>();
    for (MulticastGroup g : want) {
      if (!implicitGroups.contains(g) && !myGroups.contains(g)) {
        added.add(g);
      }
    }
    implicitGroups.clear();
    implicitGroups.addAll(want);
    return added;
  }

  void setAccessDenied() {
    failure = Failure.ACCESS_DENIED;
    vl2.networkUpdate(this, NetworkOperation.CONFIG_UPDATE);
  }

  void setNotFound() {
    failure = Failure.NOT_FOUND;
    vl2.networkUpdate(this, NetworkOperation.CONFIG_UPDATE);
  }

  void setAuthenticationRequired(NetworkConfig.Sso sso) {
    failure = Failure.AUTHENTICATION_REQUIRED;
    ssoOverride = sso;
    vl2.networkUpdate(this, NetworkOperation.CONFIG_UPDATE);
  }

  // ---------------------------------------------------------------------------------------------
  // Membership and credentials

  /**
   * Whether {@code peer} may exchange frames with us ({@code Network::gate}); announces our
   * groups to it when due.
   */
  boolean gate(long peer, Identity peerIdentity) {
    if (config == null) {
      return false;
    }
    Membership m = memberships.get(peer);
    if (config.isPublic() || (m != null && peerIdentity != null && m.isAllowedOnNetwork(config, peerIdentity))) {
      if (m == null) {
        m = membershipFor(peer);
      }
      if (m.multicastLikeGate(vl2.now())) {
        announceGroupsTo(peer, allMulticastGroups());
      }
      return true;
    }
    return false;
  }

  Membership.AddResult addCredential(CertificateOfMembership com) {
    if (com.networkId() != id) {
      return Membership.AddResult.REJECTED;
    }
    return membershipFor(com.issuedTo()).add(com, vl2::identityOf);
  }

  Membership.AddResult addCredential(long from, Capability c) {
    if (c.networkId() != id) {
      return Membership.AddResult.REJECTED;
    }
    return membershipFor(c.issuedTo()).add(c, vl2::identityOf);
  }

  Membership.AddResult addCredential(Tag t) {
    if (t.networkId() != id) {
      return Membership.AddResult.REJECTED;
    }
    return membershipFor(t.issuedTo()).add(t, vl2::identityOf);
  }

  Membership.AddResult addCredential(CertificateOfOwnership c) {
    if (c.networkId() != id) {
      return Membership.AddResult.REJECTED;
    }
    return membershipFor(c.issuedTo()).add(c, vl2::identityOf);
  }

  /** Adds a revocation; a new fast-propagating one is passed on to the members we know. */
  Membership.AddResult addCredential(long sentFrom, Revocation r) {
    if (r.networkId() != id) {
      return Membership.AddResult.REJECTED;
    }
    Membership.AddResult res = membershipFor(r.target()).add(r, vl2::identityOf);
    if (res == Membership.AddResult.ACCEPTED_NEW && r.fastPropagate()) {
      byte[] payload = new Vl2Packets.NetworkCredentials(List.of(), List.of(), List.of(), List.of(r), List.of())
          .serialize();
      for (long m : memberships.keySet()) {
        if (m != sentFrom && m != r.signedBy()) {
          vl2.send(m, Vl2.VERB_NETWORK_CREDENTIALS, payload, true);
        }
      }
    }
    return res;
  }

  /**
   * Our credentials for this network as NETWORK_CREDENTIALS payloads: the COM in the first, then
   * capabilities, tags and certificates of ownership, as many per packet as fit.
   */
  private List<byte[]> credentialPayloads() {
    if (config == null) {
      return List.of();
    }
    List<byte[]> out = new ArrayList<>();
    List<CertificateOfMembership> coms = config.com().map(List::of).orElse(List.of());
    int ci = 0;
    int ti = 0;
    int oi = 0;
    List<Capability> caps = config.capabilities();
    List<Tag> tags = config.tags();
    List<CertificateOfOwnership> coos = config.certificatesOfOwnership();
    do {
      int size = 16 + (coms.isEmpty() ? 0 : coms.get(0).serializedLength());
      List<Capability> c1 = new ArrayList<>();
      while (ci < caps.size() && (c1.isEmpty() || size + caps.get(ci).serialize().length < Vl2.MAX_PAYLOAD)) {
        size += caps.get(ci).serialize().length;
        c1.add(caps.get(ci++));
      }
      List<Tag> t1 = new ArrayList<>();
      while (ti < tags.size() && size + Tag.SERIALIZED_LENGTH < Vl2.MAX_PAYLOAD) {
        size += Tag.SERIALIZED_LENGTH;
        t1.add(tags.get(ti++));
      }
      List<CertificateOfOwnership> o1 = new ArrayList<>();
      while (oi < coos.size() && size + coos.get(oi).serializedLength() < Vl2.MAX_PAYLOAD) {
        size += coos.get(oi).serializedLength();
        o1.add(coos.get(oi++));
      }
      out.add(new Vl2Packets.NetworkCredentials(coms, c1, t1, List.of(), o1).serialize());
      coms = List.of();
    } while (ci < caps.size() || ti < tags.size() || oi < coos.size());
    return out;
  }

  private void pushCredentials(long to, Membership m, long now) {
    for (byte[] p : credentialPayloads()) {
      vl2.send(to, Vl2.VERB_NETWORK_CREDENTIALS, p, true);
    }
    m.credentialsPushed(now);
  }

  /** Pushes our credentials to {@code to} unless it had them recently ({@code pushCredentialsIfNeeded}). */
  void pushCredentialsIfNeeded(long to, long now) {
    if (config == null || to == self) {
      return;
    }
    Membership m = membershipFor(to);
    long last = m.lastPushedCredentials();
    if (last == Long.MIN_VALUE || last < lastConfigUpdate || now - last > CREDENTIALS_PUSH_PERIOD_MILLIS) {
      pushCredentials(to, m, now);
    }
  }

  /** A member said it needs our credentials (ERROR NEED_MEMBERSHIP_CERTIFICATE). */
  void peerRequestedCredentials(long to, long now) {
    if (config == null || config.com().isEmpty()) {
      return;
    }
    Membership m = membershipFor(to);
    long last = m.lastPushedCredentials();
    if (last == Long.MIN_VALUE || last < lastConfigUpdate || now - last > CREDENTIALS_REQUEST_RATE_LIMIT_MILLIS) {
      pushCredentials(to, m, now);
    }
  }

  boolean recentlyAssociatedWith(long address, long now) {
    Membership m = memberships.get(address);
    return m != null && m.recentlyAssociated(now);
  }

  // ---------------------------------------------------------------------------------------------
  // Multicast subscriptions

  void multicastSubscribe(MulticastGroup g) {
    if (myGroups.add(g)) {
      if (!implicitGroups.contains(g)) {
        sendUpdatesToMembers(g);
      }
      vl2.networkUpdate(this, NetworkOperation.CONFIG_UPDATE);
    }
  }

  void multicastUnsubscribe(MulticastGroup g) {
    if (myGroups.remove(g)) {
      vl2.networkUpdate(this, NetworkOperation.CONFIG_UPDATE);
    }
  }

  void learnBridgedMulticastGroup(MulticastGroup g, long now) {
    boolean isNew = groupsBehindMe.put(g, now) == null;
    if (isNew) {
      sendUpdatesToMembers(g);
    }
  }

  void learnBridgeRoute(MAC m, long address) {
    remoteBridgeRoutes.put(m, address);
    while (remoteBridgeRoutes.size() > MAX_BRIDGE_ROUTES) {
      // Anti-DoS: forget every route of the address that owns the most.
      Map<Long, Integer> counts = new HashMap<>();
      long worst = 0;
      int max = 0;
      for (long a : remoteBridgeRoutes.values()) {
        int c = counts.merge(a, 1, Integer::sum);
        if (c > max) {
          max = c;
          worst = a;
        }
      }
      final long w = worst;
      remoteBridgeRoutes.values().removeIf(a -> a == w);
    }
  }

  long findBridgeTo(MAC m) {
    Long a = remoteBridgeRoutes.get(m);
    return a == null ? 0 : a;
  }

  /**
   * Announces our groups ({@code _sendUpdatesToMembers}): a new group to everyone at once;
   * otherwise all groups to the controller, anchors, replicators and roots once a minute, and to
   * each member when its own minute is up.
   */
  void sendUpdatesToMembers(MulticastGroup newGroup) {
    long now = vl2.now();
    List<MulticastGroup> groups = newGroup != null ? List.of(newGroup) : allMulticastGroups();
    if (groups.isEmpty()) {
      return;
    }
    List<Long> always = new ArrayList<>();
    if (newGroup != null || lastAnnouncedUpstream == Long.MIN_VALUE || now - lastAnnouncedUpstream >= Membership.MULTICAST_ANNOUNCE_PERIOD_MILLIS) {
      if (newGroup == null) {
        lastAnnouncedUpstream = now;
      }
      if (config != null) {
        always.addAll(config.alwaysContactAddresses());
      }
      if (!always.contains(controller())) {
        always.add(controller());
      }
      for (long u : vl2.upstreams()) {
        if (!always.contains(u)) {
          always.add(u);
        }
      }
      always.sort(null);
      for (long a : always) {
        if (a != self) {
          announceGroupsTo(a, groups);
        }
      }
    }
    if (config == null) {
      return;
    }
    for (Map.Entry<Long, Membership> e : memberships.entrySet()) {
      long a = e.getKey();
      Identity remote = vl2.identityOf(a);
      if (remote != null && (newGroup != null || e.getValue().multicastLikeGate(now))
          && e.getValue().isAllowedOnNetwork(config, remote) && !always.contains(a)) {
        announceGroupsTo(a, groups);
      }
    }
  }

  private void announceGroupsTo(long peer, List<MulticastGroup> groups) {
    if (peer == self) {
      return;
    }
    List<Vl2Packets.Like> likes = new ArrayList<>();
    for (MulticastGroup g : groups) {
      likes.add(new Vl2Packets.Like(id, g));
      if (likes.size() * Vl2Packets.MulticastLike.ENTRY_LENGTH + 24 >= Vl2.MAX_PAYLOAD) {
        vl2.send(peer, Vl2.VERB_MULTICAST_LIKE, Vl2Packets.MulticastLike.serialize(likes), true);
        likes.clear();
      }
    }
    if (!likes.isEmpty()) {
      vl2.send(peer, Vl2.VERB_MULTICAST_LIKE, Vl2Packets.MulticastLike.serialize(likes), true);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Frames from our tap ({@code Switch::onLocalEthernet})

  /** A frame from the tap; {@code data[off, off+len)} is the Ethernet payload. */
  void onLocalFrame(MAC from, MAC to, int etherType, int vlanId, byte[] data, int off, int len) {
    if (config == null) {
      vl2.count(Vl2.Drop.NO_CONFIG);
      return;
    }
    long now = vl2.now();
    boolean fromBridged = !from.equals(mac);
    if (fromBridged && !config.permitsBridging(self)) {
      vl2.count(Vl2.Drop.NOT_A_BRIDGE);
      return;
    }
    if (len > config.mtu()) {
      vl2.count(Vl2.Drop.FRAME_TOO_LARGE);
      return;
    }
    if (to.isMulticast()) {
      MulticastGroup group = new MulticastGroup(to, 0);
      if (to.isBroadcast()) {
        if (etherType == RulesEngine.ETHERTYPE_ARP && len >= 28 && (data[off + 2] & 0xFF) == 0x08
            && (data[off + 3] & 0xFF) == 0x00 && (data[off + 4] & 0xFF) == 6 && (data[off + 5] & 0xFF) == 4
            && (data[off + 7] & 0xFF) == 0x01) {
          // ARP request: broadcast becomes the group of the address asked about (ADI = IPv4).
          group = MulticastGroup.forAddressResolution(
              InetAddress.of(java.util.Arrays.copyOfRange(data, off + 24, off + 28), 0));
        } else if (!config.enableBroadcast()) {
          vl2.count(Vl2.Drop.BROADCAST_DISABLED);
          return;
        }
      } else if (etherType == RulesEngine.ETHERTYPE_IPV6 && len >= 40 + 8 + 16 && config.ndpEmulation()
          && (data[off + 6] & 0xFF) == 0x3a && (data[off + 40] & 0xFF) == 0x87) {
        if (emulateNdp(from, data, off)) {
          return;
        }
      }
      if (config.multicastLimit() == 0) {
        vl2.count(Vl2.Drop.MULTICAST_DISABLED);
        return;
      }
      if (fromBridged) {
        learnBridgedMulticastGroup(group, now);
      }
      Frame f = new Frame(false, self, 0, from, to, etherType, vlanId, data, off, len);
      FrameFilter.Decision d = FrameFilter.outgoing(engine, config, null, f, false);
      sendCopies(d, to, from, etherType, data, off);
      if (!d.accepted()) {
        vl2.count(Vl2.Drop.FILTERED);
        return;
      }
      byte[] frame = java.util.Arrays.copyOfRange(data, off, off + len);
      vl2.multicast(this, 0, group, fromBridged ? from : null, etherType, frame);
    } else if (to.equals(mac)) {
      vl2.deliverFrame(id, from, to, etherType, vlanId, data, off, len);
    } else if (to.octet(0) == MAC.firstOctetForNetwork(id)) {
      long toZt = to.toAddress(id);
      Frame f = new Frame(false, self, toZt, from, to, etherType, vlanId, data, off, len);
      FrameFilter.Decision d = FrameFilter.outgoing(engine, config, memberships.get(toZt), f, false);
      sendCopies(d, to, from, etherType, data, off);
      if (!d.accepted()) {
        vl2.count(Vl2.Drop.FILTERED);
        return;
      }
      pushCredentialsIfNeeded(toZt, now);
      if (!fromBridged) {
        vl2.sendFrame(toZt, id, etherType, data, off, len);
      } else {
        vl2.send(toZt, Vl2.VERB_EXT_FRAME, Vl2Packets.ExtFrame.serialize(id, 0, to, from, etherType, data, off, len),
            false);
      }
    } else {
      // Bridged behind a remote member: its learned bridge, or up to 32 active bridges.
      Frame f = new Frame(false, self, 0, from, to, etherType, vlanId, data, off, len);
      FrameFilter.Decision d = FrameFilter.outgoing(engine, config, null, f, false);
      sendCopies(d, to, from, etherType, data, off);
      if (!d.accepted()) {
        vl2.count(Vl2.Drop.FILTERED);
        return;
      }
      List<Long> bridges = new ArrayList<>();
      long known = findBridgeTo(to);
      List<Long> active = config.activeBridges();
      if (known != 0 && known != self && config.permitsBridging(known)) {
        bridges.add(known);
      } else if (!active.isEmpty()) {
        if (active.size() <= MAX_BRIDGE_SPAM) {
          bridges.addAll(active);
        } else {
          List<Long> pick = new ArrayList<>(active);
          for (int i = pick.size() - 1; i > 0; i--) {
            int j = vl2.random().nextInt(i + 1);
            Long t = pick.get(i);
            pick.set(i, pick.get(j));
            pick.set(j, t);
          }
          bridges.addAll(pick.subList(0, MAX_BRIDGE_SPAM));
        }
      }
      for (long b : bridges) {
        if (b == self) {
          continue;
        }
        Frame fb = new Frame(false, self, b, from, to, etherType, vlanId, data, off, len);
        FrameFilter.Decision db = FrameFilter.outgoing(engine, config, memberships.get(b), fb, true);
        if (db.accepted()) {
          pushCredentialsIfNeeded(b, now);
          vl2.send(b, Vl2.VERB_EXT_FRAME, Vl2Packets.ExtFrame.serialize(id, 0, to, from, etherType, data, off, len),
              false);
        }
      }
    }
  }

  private void sendCopies(FrameFilter.Decision d, MAC to, MAC from, int etherType, byte[] data, int off) {
    for (FrameFilter.Copy c : d.copies()) {
      vl2.send(c.to(), Vl2.VERB_EXT_FRAME,
          Vl2Packets.ExtFrame.serialize(id, c.flags(), to, from, etherType, data, off, c.length()), true);
    }
  }

  /** Filters one MULTICAST_FRAME recipient ({@code OutboundMulticast::sendOnly}). */
  boolean filterMulticastRecipient(Multicaster.Outbound out, long to) {
    if (config == null) {
      return false;
    }
    Frame f = new Frame(false, self, to, out.sourceMacForFilter, out.group.mac(), out.etherType, 0, out.frame, 0,
        out.frame.length);
    return FrameFilter.outgoing(engine, config, memberships.get(to), f, true).accepted();
  }

  /**
   * IPv6 NDP emulation: a neighbor solicitation for a member's RFC 4193 or 6PLANE address is
   * answered locally with the MAC that address implies, as ZeroTier does. Returns true if it
   * answered.
   */
  private boolean emulateNdp(MAC from, byte[] data, int off) {
    int pkt6 = off + 48; // target address of the solicitation
    long embedded = 0;
    byte[] my6 = null;
    for (InetAddress sip : config.staticIps()) {
      if (!sip.isV6()) {
        continue;
      }
      byte[] ip = sip.ip();
      int bits = sip.port();
      if (bits == 88 && (ip[0] & 0xFF) == 0xfd && (ip[9] & 0xFF) == 0x99 && (ip[10] & 0xFF) == 0x93) {
        if (java.util.Arrays.equals(data, pkt6, pkt6 + 11, ip, 0, 11)) {
          embedded = io.zt4j.node.identity.Address.toLong(data, pkt6 + 11);
          my6 = ip;
          break;
        }
      } else if (bits == 40) {
        long n32 = (id ^ (id >>> 32)) & 0xFFFF_FFFFL;
        if ((ip[0] & 0xFF) == 0xfc && (ip[1] & 0xFF) == ((n32 >>> 24) & 0xFF) && (ip[2] & 0xFF) == ((n32 >>> 16) & 0xFF)
            && (ip[3] & 0xFF) == ((n32 >>> 8) & 0xFF) && (ip[4] & 0xFF) == (n32 & 0xFF)
            && java.util.Arrays.equals(data, pkt6, pkt6 + 5, ip, 0, 5)) {
          embedded = io.zt4j.node.identity.Address.toLong(data, pkt6 + 5);
          my6 = ip;
          break;
        }
      }
    }
    if (embedded == 0 || embedded == self) {
      return false;
    }
    MAC peerMac = MAC.fromAddress(embedded, id);
    byte[] adv = new byte[72];
    adv[0] = 0x60;
    adv[5] = 0x20;
    adv[6] = 0x3a;
    adv[7] = (byte) 0xff;
    System.arraycopy(data, pkt6, adv, 8, 16); // from: the address asked about
    System.arraycopy(my6, 0, adv, 24, 16); // to: our address
    adv[40] = (byte) 0x88; // neighbor advertisement
    adv[44] = 0x60; // router? no; solicited and override
    System.arraycopy(data, pkt6, adv, 48, 16);
    adv[64] = 0x02; // target link-layer address option
    adv[65] = 0x01;
    peerMac.writeTo(adv, 66);
    long sum = 0;
    for (int i = 8; i < 40; i += 2) {
      sum += ((adv[i] & 0xFF) << 8) | (adv[i + 1] & 0xFF);
    }
    sum += 32 + 0x3a; // upper-layer length and next header
    for (int i = 40; i < 72; i += 2) {
      sum += ((adv[i] & 0xFF) << 8) | (adv[i + 1] & 0xFF);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    sum = ~sum & 0xFFFF;
    adv[42] = (byte) (sum >>> 8);
    adv[43] = (byte) sum;
    vl2.deliverFrame(id, peerMac, from, RulesEngine.ETHERTYPE_IPV6, 0, adv, 0, adv.length);
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Frames from members

  /**
   * A frame received from a member ({@code filterIncomingPacket} then delivery): 0 dropped,
   * 1 accepted, 2 accepted as a TEE/REDIRECT target.
   */
  int filterIncoming(long source, MAC from, MAC to, int etherType, byte[] data, int off, int len) {
    Frame f = new Frame(true, source, self, from, to, etherType, 0, data, off, len);
    FrameFilter.Decision d = FrameFilter.incoming(engine, config, membershipFor(source), f);
    sendCopies(d, to, from, etherType, data, off);
    return d.accept();
  }

  // ---------------------------------------------------------------------------------------------
  // Housekeeping

  /** Forgets expired bridged groups, members we no longer know, and stale credentials. */
  void clean(long now) {
    groupsBehindMe.values().removeIf(ts -> now - ts > Multicaster.LIKE_EXPIRE_MILLIS * 2);
    for (Iterator<Map.Entry<Long, Membership>> it = memberships.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Membership> e = it.next();
      if (vl2.identityOf(e.getKey()) == null) {
        it.remove();
      } else if (config != null) {
        e.getValue().clean(config);
      }
    }
  }

  /** Whether {@code remote} is inside one of our managed networks (ZeroTier must not tunnel through itself). */
  boolean containsPhysicalAddress(InetAddress remote) {
    if (config == null) {
      return false;
    }
    for (InetAddress sip : config.staticIps()) {
      if (sip.family() == remote.family() && contains(sip, remote)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(InetAddress net, InetAddress a) {
    int bits = net.port();
    byte[] n = net.ip();
    byte[] x = a.ip();
    if (bits <= 0) {
      return true;
    }
    int full = Math.min(bits, n.length * 8);
    for (int i = 0; i < n.length; i++) {
      int b = Math.max(0, Math.min(8, full - 8 * i));
      int m = b == 0 ? 0 : (0xFF << (8 - b)) & 0xFF;
      if ((n[i] & m) != (x[i] & m)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Network[" + String.format("%016x", id) + " " + status() + "]";
  }
}

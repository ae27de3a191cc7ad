package io.zt4j.controller;

import io.zt4j.controller.model.CapabilityDef;
import io.zt4j.controller.model.Ids;
import io.zt4j.controller.model.IpPool;
import io.zt4j.controller.model.Member;
import io.zt4j.controller.model.MemberTag;
import io.zt4j.controller.model.Network;
import io.zt4j.controller.model.Route;
import io.zt4j.controller.model.TagDef;
import io.zt4j.controller.net.IpAddress;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.Capability;
import io.zt4j.node.vl2.CertificateOfOwnership;
import io.zt4j.node.vl2.CredentialType;
import io.zt4j.node.vl2.NetworkConfig;
import io.zt4j.node.vl2.Revocation;
import io.zt4j.node.vl2.Rule;
import io.zt4j.node.vl2.RuleType;
import io.zt4j.node.vl2.Tag;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.Dictionary;
import io.zt4j.node.wire.InetAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Answers network config requests as ZeroTier One's controller does, and works out what to push
 * when records change. Pure logic: a request goes in, the answer comes out as an
 * {@link Outbound} message for the node to send; no threads, no I/O besides the record store.
 *
 * <p>For a request it: ignores networks not under this controller's address and repeats within
 * a second; answers {@code OBJECT_NOT_FOUND} for an unknown network; learns the member's
 * identity on first contact and answers {@code ACCESS_DENIED} to a different identity claiming
 * a known address; authorizes automatically on public networks and for a valid join token
 * ({@code a=token:…} in the request metadata); answers {@code ACCESS_DENIED} to members not
 * authorized; otherwise builds the config (addresses assigned as {@link IpAssignment}
 * describes), signs a certificate of membership and one of ownership for its addresses, stores
 * the member, and returns the config.
 *
 * <p>When a network or member changes (via {@link NetworkController}) the members seen in the
 * last two minutes get a fresh config, and a deauthorized member's certificate is revoked to
 * every such member of the network; these are queued for {@link #drainOutbound()} (a member
 * that would be refused gets nothing pushed: errors only answer requests).
 *
 * <p>Thread-safe: everything runs under the {@link NetworkController}'s lock.
 */
public final class ConfigIssuer implements ControllerListener {
  /** Requests from one member for one network closer than this are ignored. */
  public static final long MIN_REQUEST_INTERVAL_MS = 1000;
  /** A member is online (receives pushes) this long after its last request. */
  public static final long ONLINE_MS = 120_000;
  static final long MIN_CREDENTIAL_WINDOW_MS = 5 * 60_000L;
  static final long MAX_CREDENTIAL_WINDOW_MS = 2 * 60 * 60_000L;

  /** The errors a controller answers a request with (ZeroTier's NC_ERROR_*). */
  public enum ErrorCode { OBJECT_NOT_FOUND, ACCESS_DENIED, INTERNAL_SERVER_ERROR }

  /** A message for the node to send. */
  public sealed interface Outbound {
    /** The node the message goes to. */
    long destination();
  }

  /** A network config, in reply to packet {@code inRePacketId} (0: pushed unasked). */
  public record ConfigMessage(long destination, long networkId, long inRePacketId, NetworkConfig config)
      implements Outbound {}

  /** An error reply to a config request ({@code inRePacketId} 0 when pushed). */
  public record ErrorMessage(long destination, long networkId, long inRePacketId, ErrorCode code)
      implements Outbound {}

  /** A revocation to hand to a member in NETWORK_CREDENTIALS. */
  public record RevocationMessage(long destination, Revocation revocation) implements Outbound {}

  private record Key(long networkId, long address) {}

  private static final class Status {
    long lastRequestAt;
    Identity identity;
    Dictionary metadata;
  }

  private final NetworkController records;
  private final Identity signer;
  private final Map<Key, Status> status = new HashMap<>();
  private final ArrayDeque<Outbound> outbound = new ArrayDeque<>();
  private boolean answering;
  private Runnable outboundListener = () -> {};

  /**
   * @param records the controller's records; this registers itself as their listener
   * @param signer this controller's identity, with its private key
   */
  public ConfigIssuer(NetworkController records, Identity signer) {
    if (!signer.hasPrivateKey() || signer.address().toLong() != records.address()) {
      throw new IllegalArgumentException("the signer must be the controller's identity with its private key");
    }
    this.records = records;
    this.signer = signer;
    records.addListener(this);
  }

  /**
   * Handles a NETWORK_CONFIG_REQUEST.
   *
   * @param networkId the requested network
   * @param from the requesting node's identity (already authenticated by VL1)
   * @param metadata the request's metadata dictionary
   * @param requestPacketId the request's packet ID (the reply is in re to it); 0 for a push
   * @return the message to send back, or empty if the request is ignored
   */
  public Optional<Outbound> request(long networkId, Identity from, Dictionary metadata, long requestPacketId) {
    synchronized (records) {
      answering = true;
      try {
        return answer(networkId, from, metadata, requestPacketId);
      } catch (IOException e) {
        return Optional.of(new ErrorMessage(from.address().toLong(), networkId, requestPacketId,
            ErrorCode.INTERNAL_SERVER_ERROR));
      } finally {
        answering = false;
      }
    }
  }

  /**
   * Called when record changes queue a message while none was waiting, so the owner of the node
   * can send at once (ZeroTier One's controller is told of changes the same way) instead of
   * polling {@link #hasOutbound()}. It runs on the thread making the change, under the
   * controller's lock: it must only schedule {@link #drainOutbound()} on the node's thread, never
   * wait for it.
   */
  public void onOutbound(Runnable listener) {
    synchronized (records) {
      this.outboundListener = listener == null ? () -> {} : listener;
    }
  }

  private void queue(Outbound o) {
    boolean wasEmpty = outbound.isEmpty();
    outbound.add(o);
    if (wasEmpty) {
      outboundListener.run();
    }
  }

  /** Messages queued by record changes (pushes and revocations), oldest first; empties the queue. */
  public List<Outbound> drainOutbound() {
    synchronized (records) {
      List<Outbound> out = new ArrayList<>(outbound);
      outbound.clear();
      return out;
    }
  }

  /** True if record changes queued messages that {@link #drainOutbound()} would return. */
  public boolean hasOutbound() {
    synchronized (records) {
      return !outbound.isEmpty();
    }
  }

  /** Members of {@code networkId} that asked for a config in the last two minutes. */
  public List<Long> onlineMembers(long networkId) {
    synchronized (records) {
      long now = records.now();
      List<Long> out = new ArrayList<>();
      status.forEach((k, s) -> {
        if (k.networkId == networkId && now - s.lastRequestAt < ONLINE_MS) {
          out.add(k.address);
        }
      });
      out.sort(Long::compare);
      return out;
    }
  }

  private Optional<Outbound> answer(long networkId, Identity from, Dictionary metadata, long requestPacketId)
      throws IOException {
    long now = records.now();
    long addr = from.address().toLong();
    if (Ids.controllerOf(networkId) != records.address()) {
      return Optional.empty();
    }
    Key key = new Key(networkId, addr);
    Status st = status.computeIfAbsent(key, k -> new Status());
    if (requestPacketId != 0) {
      if (now - st.lastRequestAt <= MIN_REQUEST_INTERVAL_MS) {
        return Optional.empty();
      }
      st.lastRequestAt = now;
      st.identity = from;
      st.metadata = metadata;
    }

    Optional<Network> nw = records.store().network(networkId);
    if (nw.isEmpty()) {
      return Optional.of(new ErrorMessage(addr, networkId, requestPacketId, ErrorCode.OBJECT_NOT_FOUND));
    }
    Network network = nw.get();
    Optional<Member> old = records.store().member(networkId, addr);
    Member member = old.map(Member::copy).orElseGet(() -> new Member(networkId, addr, now));

    String known = member.identity();
    if (known != null && !known.isEmpty()) {
      Optional<Identity> k = Identity.fromString(known);
      if (k.isEmpty() || !k.get().equals(from)) {
        return Optional.of(new ErrorMessage(addr, networkId, requestPacketId, ErrorCode.ACCESS_DENIED));
      }
    } else {
      member.identity(from.toString(false));
    }

    boolean authorized = member.authorized();
    if (!authorized) {
      String credType = null;
      String credential = null;
      if (!network.privateNetwork()) {
        credType = "public";
      } else {
        String a = metadata.get("a").map(v -> new String(v, StandardCharsets.UTF_8)).orElse("");
        if (a.length() > 6 && a.startsWith("token:")) {
          Long expires = network.authTokens().get(a.substring(6));
          if (expires != null && (expires == 0 || expires > now)) {
            credType = "token";
            credential = a.substring(6);
          }
        }
      }
      if (credType != null) {
        authorized = true;
        member.authorized(true).lastAuthorizedAt(now).lastAuthorizedCredentialType(credType)
            .lastAuthorizedCredential(credential);
      }
    }
    if (!authorized) {
      records.saveMember(old.orElse(null), member);
      return Optional.of(new ErrorMessage(addr, networkId, requestPacketId, ErrorCode.ACCESS_DENIED));
    }
    if (requestPacketId != 0) {
      member.version((int) metadata.getHex("majv", 0), (int) metadata.getHex("minv", 0),
          (int) metadata.getHex("revv", 0), (int) metadata.getHex("pv", 0));
    }

    NetworkConfig config = build(network, member, old.isEmpty(), from, metadata, now);
    records.saveMember(old.orElse(null), member);
    return Optional.of(new ConfigMessage(addr, networkId, requestPacketId, config));
  }

  private NetworkConfig build(Network network, Member member, boolean newMember, Identity to, Dictionary metadata,
      long now) {
    long nwid = network.id();
    long addr = member.address();
    long window = DEFAULT_WINDOW;
    if (network.extras().containsKey("certificateTimeoutWindowSize")) {
      window = network.extras().get("certificateTimeoutWindowSize").asLong(DEFAULT_WINDOW);
    }
    window = Math.max(MIN_CREDENTIAL_WINDOW_MS, Math.min(MAX_CREDENTIAL_WINDOW_MS, window));

    long flags = network.enableBroadcast() ? NetworkConfig.FLAG_ENABLE_BROADCAST : 0;
    List<Member> all = records.store().members(nwid);

    List<Long> specialists = new ArrayList<>();
    all.stream().filter(Member::activeBridge).map(Member::address).sorted()
        .forEach(a -> specialists.add(a | NetworkConfig.SPECIALIST_ACTIVE_BRIDGE));

    List<Rule> rules;
    List<Capability> capabilities = List.of();
    List<Tag> tags = List.of();
    if (metadata.getHex("revr", 0) <= 0) {
      rules = List.of(Rule.action(RuleType.ACTION_ACCEPT)); // a node without a rules engine
    } else {
      rules = network.rules().size() > NetworkConfig.MAX_RULES
          ? network.rules().subList(0, NetworkConfig.MAX_RULES) : network.rules();
      capabilities = capabilities(network, member, newMember, now);
      tags = tags(network, member, now);
    }

    List<NetworkConfig.Route> routes = new ArrayList<>();
    for (Route r : network.routes()) {
      if (routes.size() >= NetworkConfig.MAX_ROUTES) {
        break;
      }
      routes.add(new NetworkConfig.Route(wire(r.target()), r.via() == null ? InetAddress.NIL : wire(r.via()), 0, 0));
    }
    List<Route> usedRoutes = network.routes().subList(0, Math.min(network.routes().size(), NetworkConfig.MAX_ROUTES));

    List<IpAddress> staticIps = new ArrayList<>();
    boolean auto = !member.noAutoAssignIps();
    if (auto && network.v6AssignRfc4193()) {
      staticIps.add(IpAssignment.rfc4193(nwid, addr));
      flags |= NetworkConfig.FLAG_ENABLE_IPV6_NDP_EMULATION;
    }
    if (auto && network.v6Assign6plane()) {
      staticIps.add(IpAssignment.sixPlane(nwid, addr));
      flags |= NetworkConfig.FLAG_ENABLE_IPV6_NDP_EMULATION;
    }

    boolean haveV4 = false;
    boolean haveV6 = false;
    List<IpAddress> assignments = new ArrayList<>(member.ipAssignments());
    for (IpAddress ip : member.ipAssignments()) {
      int bits = -1;
      for (Route r : usedRoutes) {
        if (r.target().contains(ip)) {
          bits = Math.max(bits, r.target().port());
        }
      }
      if (bits >= 0) {
        staticIps.add(ip.withPort(bits));
        if (ip.isV4()) {
          haveV4 = true;
        } else {
          haveV6 = true;
        }
      }
    }
    Set<IpAddress> allocated = new HashSet<>();
    for (Member m : all) {
      m.ipAssignments().forEach(a -> allocated.add(a.withPort(0)));
    }
    allocated.addAll(assignments);
    List<IpPool> pools = network.ipAssignmentPools();
    if (network.v6AssignZt() && !haveV6 && auto) {
      Optional<IpAddress> ip = IpAssignment.pickIpv6(pools, usedRoutes, addr, allocated, records.random());
      ip.ifPresent(a -> {
        assignments.add(a.withPort(0));
        staticIps.add(a);
      });
    }
    if (network.v4AssignZt() && !haveV4 && auto) {
      Optional<IpAddress> ip = IpAssignment.pickIpv4(pools, usedRoutes, addr, allocated);
      ip.ifPresent(a -> {
        assignments.add(a.withPort(0));
        staticIps.add(a);
      });
    }
    member.ipAssignments(assignments);
    List<InetAddress> wireIps = staticIps.stream().limit(NetworkConfig.MAX_STATIC_IPS).map(ConfigIssuer::wire).toList();

    NetworkConfig.Dns dns = NetworkConfig.Dns.NONE;
    if (network.dns() != null) {
      dns = new NetworkConfig.Dns(network.dns().domain(),
          network.dns().servers().stream().limit(NetworkConfig.MAX_DNS_SERVERS).map(ConfigIssuer::wire).toList());
    }

    List<CertificateOfOwnership> coos = new ArrayList<>();
    if (!wireIps.isEmpty()) {
      coos.add(CertificateOfOwnership.forAddresses(nwid, now, addr, 1, wireIps).sign(signer));
    }
    CertificateOfMembership com = CertificateOfMembership.create(now, window, nwid, to).sign(signer);

    long traceTarget = 0;
    long traceLevel;
    if (member.remoteTraceTarget() != null && member.remoteTraceTarget().length() == 10) {
      traceTarget = Long.parseLong(member.remoteTraceTarget(), 16);
      traceLevel = member.remoteTraceLevel();
    } else {
      if (network.remoteTraceTarget() != null && network.remoteTraceTarget().length() == 10) {
        traceTarget = Long.parseLong(network.remoteTraceTarget(), 16);
      }
      traceLevel = network.remoteTraceLevel();
    }

    String name = network.name();
    byte[] nb = name.getBytes(StandardCharsets.UTF_8);
    if (nb.length > NetworkConfig.MAX_NAME_BYTES) {
      name = new String(nb, 0, NetworkConfig.MAX_NAME_BYTES, StandardCharsets.UTF_8);
    }

    return NetworkConfig.builder().networkId(nwid).timestamp(now).credentialTimeMaxDelta(window)
        .revision(network.revision()).issuedTo(addr).remoteTraceTarget(traceTarget).remoteTraceLevel((int) traceLevel)
        .flags(flags).multicastLimit(network.multicastLimit() & 0xFFFF_FFFFL)
        .type(network.privateNetwork() ? NetworkConfig.TYPE_PRIVATE : NetworkConfig.TYPE_PUBLIC)
        .name(name).mtu(network.mtu()).com(com).certificatesOfOwnership(coos).specialists(specialists)
        .routes(routes).staticIps(wireIps).rules(rules).capabilities(capabilities).tags(tags).dns(dns).build();
  }

  /**
   * The member's capabilities, signed for it, as ZeroTier's controller issues them: every id in
   * the member's {@code capabilities} that the network defines (in the member's order; ids the
   * network does not define are skipped), each with the definition's rules (at most
   * {@link Capability#MAX_RULES}), timestamp now and a custody chain of one. A member first seen
   * in a request that gets a config also receives the network's {@code default} capabilities,
   * which are added to its record.
   */
  private List<Capability> capabilities(Network network, Member member, boolean newMember, long now) {
    Map<Long, CapabilityDef> defs = new HashMap<>();
    for (CapabilityDef d : network.capabilities()) {
      defs.put(d.id(), d);
    }
    List<Long> ids = new ArrayList<>(member.capabilities());
    if (newMember) {
      for (CapabilityDef d : network.capabilities()) {
        if (d.isDefault() && !ids.contains(d.id())) {
          ids.add(d.id());
        }
      }
      member.capabilities(ids);
    }
    List<Capability> out = new ArrayList<>();
    for (long id : ids) {
      CapabilityDef d = defs.get(id & 0xFFFF_FFFFL);
      if (d == null) {
        continue;
      }
      List<Rule> capRules = d.rules().size() > Capability.MAX_RULES ? d.rules().subList(0, Capability.MAX_RULES) : d.rules();
      out.add(Capability.of(d.id(), network.id(), now, 1, capRules).sign(signer, member.address()));
      if (out.size() >= NetworkConfig.MAX_CAPABILITIES) {
        break;
      }
    }
    return out;
  }

  /**
   * The member's tags, signed for it, as ZeroTier's controller issues them: the member's
   * {@code tags} values, plus the network's tag {@code default} for every tag the member has no
   * value for (added to the member's record), by ascending id, timestamp now.
   */
  private List<Tag> tags(Network network, Member member, long now) {
    Map<Long, Long> values = new TreeMap<>();
    for (MemberTag t : member.tags()) {
      values.put(t.id(), t.value());
    }
    List<MemberTag> withDefaults = new ArrayList<>(member.tags());
    for (TagDef d : network.tags()) {
      if (d.defaultValue() != null && !values.containsKey(d.id())) {
        values.put(d.id(), d.defaultValue() & 0xFFFF_FFFFL);
        withDefaults.add(new MemberTag(d.id(), d.defaultValue()));
      }
    }
    if (withDefaults.size() != member.tags().size()) {
      member.tags(withDefaults);
    }
    List<Tag> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : values.entrySet()) {
      if (out.size() >= NetworkConfig.MAX_TAGS) {
        break;
      }
      out.add(Tag.of(network.id(), now, member.address(), e.getKey(), e.getValue()).sign(signer));
    }
    return out;
  }

  private static final long DEFAULT_WINDOW = NetworkConfig.DEFAULT_CREDENTIAL_TIME_MAX_DELTA;

  static InetAddress wire(IpAddress a) {
    return InetAddress.of(a.bytes(), a.port());
  }

  // ------------------------------------------------------------------ pushes on record changes

  @Override
  public void networkChanged(long networkId) {
    if (answering) {
      return;
    }
    for (Key k : new ArrayList<>(onlineKeys(networkId))) {
      push(k);
    }
  }

  @Override
  public void memberChanged(long networkId, long address) {
    if (answering) {
      return;
    }
    Key k = new Key(networkId, address);
    if (onlineKeys(networkId).contains(k)) {
      push(k);
    }
  }

  @Override
  public void memberDeauthorized(long networkId, long address) {
    long now = records.now();
    Revocation rev = Revocation.of(records.random().nextLong() & 0xFFFF_FFFFL, networkId, 0, now,
        Revocation.FLAG_FAST_PROPAGATE, address, CredentialType.COM).sign(signer);
    for (Key k : onlineKeys(networkId)) {
      queue(new RevocationMessage(k.address, rev));
    }
  }

  @Override
  public void networkDeleted(long networkId) {
    status.keySet().removeIf(k -> k.networkId == networkId);
  }

  private Set<Key> onlineKeys(long networkId) {
    long now = records.now();
    Set<Key> out = new TreeSet<>((a, b) -> Long.compare(a.address, b.address));
    status.forEach((k, s) -> {
      if (k.networkId == networkId && s.identity != null && now - s.lastRequestAt < ONLINE_MS) {
        out.add(k);
      }
    });
    return out;
  }

  private void push(Key k) {
    Status s = status.get(k);
    answering = true;
    try {
      // As ZeroTier: a pushed config that would be refused sends nothing (errors only answer
      // requests); a deauthorized member is cut off by the revocation instead.
      answer(k.networkId, s.identity, s.metadata, 0).filter(o -> o instanceof ConfigMessage).ifPresent(this::queue);
    } catch (IOException e) {
      // The member could not be stored; it gets its config when it next asks.
    } finally {
      answering = false;
    }
  }
}

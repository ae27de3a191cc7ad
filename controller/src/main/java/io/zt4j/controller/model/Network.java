package io.zt4j.controller.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.node.vl2.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A network hosted by the controller, with the fields of ZeroTier's controller JSON schema
 * ({@code controller.d/network/<nwid>.json}) and the defaults ZeroTier gives a new network.
 *
 * <p>Mutable and not thread-safe: the controller owns the instances in its store and hands out
 * {@link #copy() copies}. Fields of the stored JSON this version does not know are kept in
 * {@link #extras()} and written back unchanged.
 */
public final class Network {
  /** Default MTU of a ZeroTier network. */
  public static final int DEFAULT_MTU = 2800;
  /** Smallest MTU a network may have (IPv6 minimum). */
  public static final int MIN_MTU = 1280;
  /** Largest MTU a network may have. */
  public static final int MAX_MTU = 10000;
  /** Default number of recipients of one multicast. */
  public static final long DEFAULT_MULTICAST_LIMIT = 32;

  private final long id;
  private String name = "";
  private boolean privateNetwork = true;
  private long createdAt;
  private long revision;
  private long multicastLimit = DEFAULT_MULTICAST_LIMIT;
  private boolean enableBroadcast = true;
  private int mtu = DEFAULT_MTU;
  private boolean v4AssignZt;
  private boolean v6AssignZt;
  private boolean v6AssignRfc4193;
  private boolean v6Assign6plane;
  private List<IpPool> ipAssignmentPools = List.of();
  private List<Route> routes = List.of();
  private List<Rule> rules = List.of(Rule.action(io.zt4j.node.vl2.RuleType.ACTION_ACCEPT));
  private List<CapabilityDef> capabilities = List.of();
  private List<TagDef> tags = List.of();
  private Dns dns;
  private Map<String, Long> authTokens = Map.of();
  private String remoteTraceTarget;
  private long remoteTraceLevel;
  private String rulesSource = "";
  private boolean ssoEnabled;
  private String clientId = "";
  private String authorizationEndpoint = "";
  private Map<String, JsonNode> extras = new TreeMap<>();

  /** A new network with ZeroTier's defaults, created at {@code createdAt}. */
  public Network(long id, long createdAt) {
    this.id = id;
    this.createdAt = createdAt;
  }

  public Network copy() {
    Network n = new Network(id, createdAt);
    n.name = name;
    n.privateNetwork = privateNetwork;
    n.revision = revision;
    n.multicastLimit = multicastLimit;
    n.enableBroadcast = enableBroadcast;
    n.mtu = mtu;
    n.v4AssignZt = v4AssignZt;
    n.v6AssignZt = v6AssignZt;
    n.v6AssignRfc4193 = v6AssignRfc4193;
    n.v6Assign6plane = v6Assign6plane;
    n.ipAssignmentPools = ipAssignmentPools;
    n.routes = routes;
    n.rules = rules;
    n.capabilities = capabilities;
    n.tags = tags;
    n.dns = dns;
    n.authTokens = authTokens;
    n.remoteTraceTarget = remoteTraceTarget;
    n.remoteTraceLevel = remoteTraceLevel;
    n.rulesSource = rulesSource;
    n.ssoEnabled = ssoEnabled;
    n.clientId = clientId;
    n.authorizationEndpoint = authorizationEndpoint;
    n.extras = new TreeMap<>();
    extras.forEach((k, v) -> n.extras.put(k, v.deepCopy()));
    return n;
  }

  public long id() {
    return id;
  }

  public String idString() {
    return Ids.networkId(id);
  }

  public String name() {
    return name;
  }

  public Network name(String v) {
    name = v == null ? "" : v;
    return this;
  }

  /** True for a private network: members must be authorized. */
  public boolean privateNetwork() {
    return privateNetwork;
  }

  public Network privateNetwork(boolean v) {
    privateNetwork = v;
    return this;
  }

  public long createdAt() {
    return createdAt;
  }

  public Network createdAt(long v) {
    createdAt = v;
    return this;
  }

  /** Counts the stored changes; sent to members as the config revision. */
  public long revision() {
    return revision;
  }

  public Network revision(long v) {
    revision = v;
    return this;
  }

  public long multicastLimit() {
    return multicastLimit;
  }

  public Network multicastLimit(long v) {
    multicastLimit = v;
    return this;
  }

  public boolean enableBroadcast() {
    return enableBroadcast;
  }

  public Network enableBroadcast(boolean v) {
    enableBroadcast = v;
    return this;
  }

  public int mtu() {
    return mtu;
  }

  /** Sets the MTU, clamped to {@link #MIN_MTU}..{@link #MAX_MTU} as ZeroTier does. */
  public Network mtu(long v) {
    mtu = (int) Math.max(MIN_MTU, Math.min(MAX_MTU, v));
    return this;
  }

  /** {@code v4AssignMode.zt}: hand out IPv4 addresses from the pools. */
  public boolean v4AssignZt() {
    return v4AssignZt;
  }

  public Network v4AssignZt(boolean v) {
    v4AssignZt = v;
    return this;
  }

  /** {@code v6AssignMode.zt}: hand out IPv6 addresses from the pools. */
  public boolean v6AssignZt() {
    return v6AssignZt;
  }

  public Network v6AssignZt(boolean v) {
    v6AssignZt = v;
    return this;
  }

  /** {@code v6AssignMode.rfc4193}: give each member its RFC 4193 address. */
  public boolean v6AssignRfc4193() {
    return v6AssignRfc4193;
  }

  public Network v6AssignRfc4193(boolean v) {
    v6AssignRfc4193 = v;
    return this;
  }

  /** {@code v6AssignMode.6plane}: give each member its 6PLANE /80 (address ::1). */
  public boolean v6Assign6plane() {
    return v6Assign6plane;
  }

  public Network v6Assign6plane(boolean v) {
    v6Assign6plane = v;
    return this;
  }

  public List<IpPool> ipAssignmentPools() {
    return ipAssignmentPools;
  }

  public Network ipAssignmentPools(List<IpPool> v) {
    ipAssignmentPools = List.copyOf(v);
    return this;
  }

  public List<Route> routes() {
    return routes;
  }

  public Network routes(List<Route> v) {
    routes = List.copyOf(v);
    return this;
  }

  public List<Rule> rules() {
    return rules;
  }

  public Network rules(List<Rule> v) {
    rules = List.copyOf(v);
    return this;
  }

  public List<CapabilityDef> capabilities() {
    return capabilities;
  }

  public Network capabilities(List<CapabilityDef> v) {
    capabilities = List.copyOf(v);
    return this;
  }

  public List<TagDef> tags() {
    return tags;
  }

  public Network tags(List<TagDef> v) {
    tags = List.copyOf(v);
    return this;
  }

  /** DNS settings, or {@code null} when none are set (ZeroTier then stores {@code []}). */
  public Dns dns() {
    return dns;
  }

  public Network dns(Dns v) {
    dns = v;
    return this;
  }

  /** Join tokens: token → expiry time in ms (0 = never). */
  public Map<String, Long> authTokens() {
    return authTokens;
  }

  public Network authTokens(Map<String, Long> v) {
    authTokens = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(v));
    return this;
  }

  public String remoteTraceTarget() {
    return remoteTraceTarget;
  }

  public Network remoteTraceTarget(String v) {
    remoteTraceTarget = v;
    return this;
  }

  public long remoteTraceLevel() {
    return remoteTraceLevel;
  }

  public Network remoteTraceLevel(long v) {
    remoteTraceLevel = v;
    return this;
  }

  public String rulesSource() {
    return rulesSource;
  }

  public Network rulesSource(String v) {
    rulesSource = v == null ? "" : v;
    return this;
  }

  public boolean ssoEnabled() {
    return ssoEnabled;
  }

  public Network ssoEnabled(boolean v) {
    ssoEnabled = v;
    return this;
  }

  public String clientId() {
    return clientId;
  }

  public Network clientId(String v) {
    clientId = v == null ? "" : v;
    return this;
  }

  public String authorizationEndpoint() {
    return authorizationEndpoint;
  }

  public Network authorizationEndpoint(String v) {
    authorizationEndpoint = v == null ? "" : v;
    return this;
  }

  /** Stored fields this version does not interpret, by name; written back as they were. */
  public Map<String, JsonNode> extras() {
    return extras;
  }
}

package io.zt4j.controller.model;

import static io.zt4j.controller.model.JsonValues.boolOr;
import static io.zt4j.controller.model.JsonValues.longOr;
import static io.zt4j.controller.model.JsonValues.stringOr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zt4j.controller.net.IpAddress;
import io.zt4j.node.vl2.Rule;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Networks and members in ZeroTier's controller JSON: what the API answers and what the file
 * store writes. Keys come out sorted, as ZeroTier writes them.
 *
 * <p>Reading a stored record is lenient (a record written by ZeroTier One's controller loads,
 * unknown fields are kept in {@code extras}, a value that cannot be read takes its default);
 * only the identifiers must be valid.
 */
public final class RecordJson {
  /** Shared mapper; thread-safe once configured. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Keys ZeroTier computes on the fly and never stores for a network. */
  private static final Set<String> NETWORK_TRANSIENT = Set.of(
      "clock", "authorizedMemberCount", "activeMemberCount", "totalMemberCount", "lastModified", "meta");
  /** Keys ZeroTier computes on the fly and never stores for a member. */
  private static final Set<String> MEMBER_TRANSIENT = Set.of(
      "clock", "physicalAddr", "recentLog", "lastModified", "lastRequestMetaData",
      "authenticationURL", "authenticationClientID");

  private static final Set<String> NETWORK_KEYS = Set.of(
      "authTokens", "authorizationEndpoint", "capabilities", "clientId", "creationTime", "dns",
      "enableBroadcast", "id", "ipAssignmentPools", "mtu", "multicastLimit", "name", "nwid",
      "objtype", "private", "remoteTraceLevel", "remoteTraceTarget", "revision", "routes", "rules",
      "rulesSource", "ssoEnabled", "tags", "v4AssignMode", "v6AssignMode");
  private static final Set<String> MEMBER_KEYS = Set.of(
      "activeBridge", "address", "authenticationExpiryTime", "authorized", "capabilities",
      "creationTime", "id", "identity", "ipAssignments", "lastAuthorizedCredential",
      "lastAuthorizedCredentialType", "lastAuthorizedTime", "lastDeauthorizedTime", "name",
      "noAutoAssignIps", "nwid", "objtype", "remoteTraceLevel", "remoteTraceTarget", "revision",
      "ssoExempt", "tags", "vMajor", "vMinor", "vProto", "vRev");

  private RecordJson() {}

  // ---------------------------------------------------------------- rendering

  /** The network as ZeroTier's controller shows and stores it. */
  public static ObjectNode render(Network n) {
    Map<String, JsonNode> m = new TreeMap<>(n.extras());
    ArrayNode tokens = F.arrayNode();
    JsonNode authTokens;
    if (n.authTokens().isEmpty()) {
      tokens.addNull(); // ZeroTier's empty-token default is written as [null]
      authTokens = tokens;
    } else {
      ObjectNode o = F.objectNode();
      n.authTokens().forEach(o::put);
      authTokens = o;
    }
    m.put("authTokens", authTokens);
    m.put("authorizationEndpoint", F.textNode(n.authorizationEndpoint()));
    ArrayNode caps = F.arrayNode();
    for (CapabilityDef c : n.capabilities()) {
      ObjectNode o = F.objectNode();
      o.put("default", c.isDefault());
      o.put("id", c.id());
      o.set("rules", renderRules(c.rules()));
      caps.add(o);
    }
    m.put("capabilities", caps);
    m.put("clientId", F.textNode(n.clientId()));
    m.put("creationTime", F.numberNode(n.createdAt()));
    if (n.dns() == null) {
      m.put("dns", F.arrayNode()); // ZeroTier's default for "no DNS" is an empty array
    } else {
      ObjectNode d = F.objectNode();
      d.put("domain", n.dns().domain());
      ArrayNode servers = d.putArray("servers");
      n.dns().servers().forEach(s -> servers.add(s.toIpString()));
      m.put("dns", d);
    }
    m.put("enableBroadcast", F.booleanNode(n.enableBroadcast()));
    m.put("id", F.textNode(n.idString()));
    ArrayNode pools = F.arrayNode();
    for (IpPool p : n.ipAssignmentPools()) {
      ObjectNode o = F.objectNode();
      o.put("ipRangeEnd", p.end().toIpString());
      o.put("ipRangeStart", p.start().toIpString());
      pools.add(o);
    }
    m.put("ipAssignmentPools", pools);
    m.put("mtu", F.numberNode(n.mtu()));
    m.put("multicastLimit", F.numberNode(n.multicastLimit()));
    m.put("name", F.textNode(n.name()));
    m.put("nwid", F.textNode(n.idString()));
    m.put("objtype", F.textNode("network"));
    m.put("private", F.booleanNode(n.privateNetwork()));
    m.put("remoteTraceLevel", F.numberNode(n.remoteTraceLevel()));
    m.put("remoteTraceTarget", n.remoteTraceTarget() == null ? F.nullNode() : F.textNode(n.remoteTraceTarget()));
    m.put("revision", F.numberNode(n.revision()));
    ArrayNode routes = F.arrayNode();
    for (Route r : n.routes()) {
      ObjectNode o = F.objectNode();
      o.put("target", r.target().toString());
      if (r.via() == null) {
        o.putNull("via");
      } else {
        o.put("via", r.via().toIpString());
      }
      routes.add(o);
    }
    m.put("routes", routes);
    m.put("rules", renderRules(n.rules()));
    m.put("rulesSource", F.textNode(n.rulesSource()));
    m.put("ssoEnabled", F.booleanNode(n.ssoEnabled()));
    ArrayNode tags = F.arrayNode();
    for (TagDef t : n.tags()) {
      ObjectNode o = F.objectNode();
      if (t.defaultValue() == null) {
        o.putNull("default");
      } else {
        o.put("default", t.defaultValue());
      }
      o.put("id", t.id());
      tags.add(o);
    }
    m.put("tags", tags);
    ObjectNode v4 = F.objectNode();
    v4.put("zt", n.v4AssignZt());
    m.put("v4AssignMode", v4);
    ObjectNode v6 = F.objectNode();
    v6.put("6plane", n.v6Assign6plane());
    v6.put("rfc4193", n.v6AssignRfc4193());
    v6.put("zt", n.v6AssignZt());
    m.put("v6AssignMode", v6);
    return sorted(m);
  }

  /** The member as ZeroTier's controller shows and stores it. */
  public static ObjectNode render(Member mb) {
    Map<String, JsonNode> m = new TreeMap<>(mb.extras());
    m.put("activeBridge", F.booleanNode(mb.activeBridge()));
    m.put("address", F.textNode(mb.addressString()));
    m.put("authenticationExpiryTime", F.numberNode(mb.authenticationExpiresAt()));
    m.put("authorized", F.booleanNode(mb.authorized()));
    ArrayNode caps = F.arrayNode();
    mb.capabilities().forEach(caps::add);
    m.put("capabilities", caps);
    m.put("creationTime", F.numberNode(mb.createdAt()));
    m.put("id", F.textNode(mb.addressString()));
    if (mb.identity() != null) {
      m.put("identity", F.textNode(mb.identity()));
    }
    ArrayNode ips = F.arrayNode();
    mb.ipAssignments().forEach(ip -> ips.add(ip.toIpString()));
    m.put("ipAssignments", ips);
    m.put("lastAuthorizedCredential", text(mb.lastAuthorizedCredential()));
    m.put("lastAuthorizedCredentialType", text(mb.lastAuthorizedCredentialType()));
    m.put("lastAuthorizedTime", F.numberNode(mb.lastAuthorizedAt()));
    m.put("lastDeauthorizedTime", F.numberNode(mb.lastDeauthorizedAt()));
    if (mb.name() != null) {
      m.put("name", F.textNode(mb.name()));
    }
    m.put("noAutoAssignIps", F.booleanNode(mb.noAutoAssignIps()));
    m.put("nwid", F.textNode(Ids.networkId(mb.networkId())));
    m.put("objtype", F.textNode("member"));
    m.put("remoteTraceLevel", F.numberNode(mb.remoteTraceLevel()));
    m.put("remoteTraceTarget", text(mb.remoteTraceTarget()));
    m.put("revision", F.numberNode(mb.revision()));
    m.put("ssoExempt", F.booleanNode(mb.ssoExempt()));
    ArrayNode tags = F.arrayNode();
    for (MemberTag t : mb.tags()) {
      tags.add(F.arrayNode().add(t.id()).add(t.value()));
    }
    m.put("tags", tags);
    m.put("vMajor", F.numberNode(mb.vMajor()));
    m.put("vMinor", F.numberNode(mb.vMinor()));
    m.put("vProto", F.numberNode(mb.vProto()));
    m.put("vRev", F.numberNode(mb.vRev()));
    return sorted(m);
  }

  /** Rules as ZeroTier renders them (types it cannot show are left out). */
  public static ArrayNode renderRules(List<Rule> rules) {
    ArrayNode a = F.arrayNode();
    for (Rule r : rules) {
      ObjectNode o = RuleJson.render(r);
      if (o != null) {
        a.add(o);
      }
    }
    return a;
  }

  /** Compact JSON text, as ZeroTier's {@code dump()} writes it. */
  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- reading stored records

  /** Reads a stored network record; empty if its {@code id} is not a network ID. */
  public static Optional<Network> readNetwork(JsonNode j) {
    if (j == null || !j.isObject() || !Ids.isNetworkId(stringOr(j.get("id"), null))) {
      return Optional.empty();
    }
    Network n = new Network(Ids.parseNetworkId(j.get("id").textValue()), longOr(j.get("creationTime"), 0));
    n.name(stringOr(j.get("name"), ""));
    n.privateNetwork(boolOr(j.get("private"), true));
    n.revision(longOr(j.get("revision"), 0));
    n.multicastLimit(Math.max(0, longOr(j.get("multicastLimit"), Network.DEFAULT_MULTICAST_LIMIT)));
    n.enableBroadcast(boolOr(j.get("enableBroadcast"), true));
    n.mtu(longOr(j.get("mtu"), Network.DEFAULT_MTU));
    JsonNode v4 = j.get("v4AssignMode");
    n.v4AssignZt(v4 != null && (v4.isObject() ? boolOr(v4.get("zt"), false) : "zt".equals(v4.asText())));
    JsonNode v6 = j.get("v6AssignMode");
    if (v6 != null && v6.isObject()) {
      n.v6AssignZt(boolOr(v6.get("zt"), false));
      n.v6AssignRfc4193(boolOr(v6.get("rfc4193"), false));
      n.v6Assign6plane(boolOr(v6.get("6plane"), false));
    }
    List<IpPool> pools = new ArrayList<>();
    for (JsonNode p : array(j.get("ipAssignmentPools"))) {
      Optional<IpAddress> s = IpAddress.parse(stringOr(p.get("ipRangeStart"), ""));
      Optional<IpAddress> e = IpAddress.parse(stringOr(p.get("ipRangeEnd"), ""));
      if (s.isPresent() && e.isPresent() && s.get().isV4() == e.get().isV4()) {
        pools.add(new IpPool(s.get(), e.get()));
      }
    }
    n.ipAssignmentPools(pools);
    List<Route> routes = new ArrayList<>();
    for (JsonNode r : array(j.get("routes"))) {
      Optional<IpAddress> t = IpAddress.parse(stringOr(r.get("target"), ""));
      Optional<IpAddress> via = IpAddress.parse(stringOr(r.get("via"), ""));
      if (t.isPresent() && t.get().prefixValid()) {
        routes.add(new Route(t.get(), via.filter(v -> v.isV4() == t.get().isV4()).orElse(null)));
      }
    }
    n.routes(routes);
    if (j.has("rules")) {
      n.rules(readRules(j.get("rules")));
    }
    List<CapabilityDef> caps = new ArrayList<>();
    for (JsonNode c : array(j.get("capabilities"))) {
      if (c.isObject()) {
        caps.add(new CapabilityDef(longOr(c.get("id"), 0) & 0xffffffffL, boolOr(c.get("default"), false),
            readRules(c.get("rules"))));
      }
    }
    n.capabilities(caps);
    List<TagDef> tags = new ArrayList<>();
    for (JsonNode t : array(j.get("tags"))) {
      if (t.isObject()) {
        JsonNode d = t.get("default");
        tags.add(new TagDef(longOr(t.get("id"), 0) & 0xffffffffL,
            d == null || !d.isNumber() ? null : d.longValue() & 0xffffffffL));
      }
    }
    n.tags(tags);
    JsonNode dns = j.get("dns");
    if (dns != null && dns.isObject()) {
      List<IpAddress> servers = new ArrayList<>();
      for (JsonNode s : array(dns.get("servers"))) {
        IpAddress.parse(stringOr(s, "")).ifPresent(servers::add);
      }
      n.dns(new Dns(stringOr(dns.get("domain"), ""), servers));
    }
    JsonNode tokens = j.get("authTokens");
    if (tokens != null && tokens.isObject()) {
      Map<String, Long> t = new LinkedHashMap<>();
      tokens.fields().forEachRemaining(e -> {
        if (e.getValue().isNumber() && e.getValue().longValue() >= 0) {
          t.put(e.getKey(), e.getValue().longValue());
        }
      });
      n.authTokens(t);
    }
    n.remoteTraceTarget(stringOr(j.get("remoteTraceTarget"), null));
    n.remoteTraceLevel(longOr(j.get("remoteTraceLevel"), 0));
    n.rulesSource(stringOr(j.get("rulesSource"), ""));
    n.ssoEnabled(boolOr(j.get("ssoEnabled"), false));
    n.clientId(stringOr(j.get("clientId"), ""));
    n.authorizationEndpoint(stringOr(j.get("authorizationEndpoint"), ""));
    keepExtras(j, NETWORK_KEYS, NETWORK_TRANSIENT, n.extras());
    return Optional.of(n);
  }

  /** Reads a stored member record; empty if its {@code id} or {@code nwid} is invalid. */
  public static Optional<Member> readMember(JsonNode j) {
    if (j == null || !j.isObject() || !Ids.isAddress(stringOr(j.get("id"), null))
        || !Ids.isNetworkId(stringOr(j.get("nwid"), null))) {
      return Optional.empty();
    }
    Member m = new Member(Ids.parseNetworkId(j.get("nwid").textValue()),
        Ids.parseAddress(j.get("id").textValue()), longOr(j.get("creationTime"), 0));
    m.identity(stringOr(j.get("identity"), null));
    m.name(stringOr(j.get("name"), null));
    m.authorized(boolOr(j.get("authorized"), false));
    m.activeBridge(boolOr(j.get("activeBridge"), false));
    m.noAutoAssignIps(boolOr(j.get("noAutoAssignIps"), false));
    m.ssoExempt(boolOr(j.get("ssoExempt"), false));
    List<IpAddress> ips = new ArrayList<>();
    for (JsonNode ip : array(j.get("ipAssignments"))) {
      IpAddress.parse(stringOr(ip, "")).ifPresent(ips::add);
    }
    m.ipAssignments(ips);
    List<MemberTag> tags = new ArrayList<>();
    for (JsonNode t : array(j.get("tags"))) {
      if (t.isArray() && t.size() == 2) {
        tags.add(new MemberTag(longOr(t.get(0), 0) & 0xffffffffL, longOr(t.get(1), 0) & 0xffffffffL));
      }
    }
    m.tags(tags);
    List<Long> caps = new ArrayList<>();
    for (JsonNode c : array(j.get("capabilities"))) {
      caps.add(longOr(c, 0) & 0xffffffffL);
    }
    m.capabilities(caps);
    m.revision(longOr(j.get("revision"), 0));
    m.lastAuthorizedAt(longOr(j.get("lastAuthorizedTime"), 0));
    m.lastDeauthorizedAt(longOr(j.get("lastDeauthorizedTime"), 0));
    m.lastAuthorizedCredentialType(stringOr(j.get("lastAuthorizedCredentialType"), null));
    m.lastAuthorizedCredential(stringOr(j.get("lastAuthorizedCredential"), null));
    m.authenticationExpiresAt(longOr(j.get("authenticationExpiryTime"), 0));
    m.version((int) longOr(j.get("vMajor"), -1), (int) longOr(j.get("vMinor"), -1),
        (int) longOr(j.get("vRev"), -1), (int) longOr(j.get("vProto"), -1));
    m.remoteTraceTarget(stringOr(j.get("remoteTraceTarget"), null));
    m.remoteTraceLevel(longOr(j.get("remoteTraceLevel"), 0));
    keepExtras(j, MEMBER_KEYS, MEMBER_TRANSIENT, m.extras());
    return Optional.of(m);
  }

  private static List<Rule> readRules(JsonNode rules) {
    List<Rule> out = new ArrayList<>();
    int i = 0;
    for (JsonNode r : array(rules)) {
      try {
        out.add(RuleJson.parse(r, "rules[" + i + "]"));
      } catch (InvalidRequestException e) {
        // A stored rule this version cannot read is left out, as ZeroTier leaves it out of configs.
      }
      i++;
    }
    return out;
  }

  private static void keepExtras(JsonNode j, Set<String> known, Set<String> transientKeys, Map<String, JsonNode> into) {
    into.clear();
    Iterator<Map.Entry<String, JsonNode>> it = j.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!known.contains(e.getKey()) && !transientKeys.contains(e.getKey())) {
        into.put(e.getKey(), e.getValue().deepCopy());
      }
    }
  }

  private static Iterable<JsonNode> array(JsonNode n) {
    return n != null && n.isArray() ? n : List.of();
  }

  private static JsonNode text(String s) {
    return s == null ? F.nullNode() : F.textNode(s);
  }

  /** An object with its keys (and those of nested objects) in sorted order. */
  static ObjectNode sorted(Map<String, JsonNode> m) {
    ObjectNode o = F.objectNode();
    new TreeMap<>(m).forEach((k, v) -> o.set(k, sortedDeep(v)));
    return o;
  }

  private static JsonNode sortedDeep(JsonNode v) {
    if (v.isObject()) {
      Map<String, JsonNode> m = new TreeMap<>();
      v.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
      return sorted(m);
    }
    if (v.isArray()) {
      ArrayNode a = F.arrayNode();
      v.forEach(x -> a.add(sortedDeep(x)));
      return a;
    }
    return v;
  }
}

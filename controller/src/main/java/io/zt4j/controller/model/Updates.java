package io.zt4j.controller.model;

import static io.zt4j.controller.model.JsonValues.bool;
import static io.zt4j.controller.model.JsonValues.string;
import static io.zt4j.controller.model.JsonValues.uint;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.controller.net.IpAddress;
import io.zt4j.node.vl2.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a POST to the controller API may change, applied the way ZeroTier's controller applies
 * it: only the keys present in the body are touched, unknown and read-only keys ({@code id},
 * {@code revision}, {@code creationTime}, {@code identity}, …) are ignored, values are coerced
 * as ZeroTier coerces them (MTU clamped to 1280..10000, {@code "zt"} as a v4 assign mode).
 *
 * <p>Where ZeroTier would silently store nonsense or drop an entry (an unparseable route
 * target, an unknown rule type, a string where a list belongs) this throws
 * {@link InvalidRequestException}; callers apply updates to a copy, so nothing is half-changed.
 */
public final class Updates {
  /** Longest list a request may carry (ZeroTier's {@code ZT_CONTROLLER_MAX_ARRAY_SIZE}). */
  public static final int MAX_ARRAY = 16384;

  private Updates() {}

  /** Applies a network POST body to {@code n} (a copy the caller will store if this returns). */
  public static void applyToNetwork(Network n, JsonNode b) throws InvalidRequestException {
    requireObject(b);
    if (b.has("name")) {
      n.name(string(b.get("name"), "name", ""));
    }
    if (b.has("private")) {
      n.privateNetwork(bool(b.get("private"), "private", true));
    }
    if (b.has("enableBroadcast")) {
      n.enableBroadcast(bool(b.get("enableBroadcast"), "enableBroadcast", false));
    }
    if (b.has("multicastLimit")) {
      n.multicastLimit(uint(b.get("multicastLimit"), "multicastLimit", Network.DEFAULT_MULTICAST_LIMIT, 0xffffffffL));
    }
    if (b.has("mtu")) {
      n.mtu(uint(b.get("mtu"), "mtu", Network.DEFAULT_MTU, Long.MAX_VALUE));
    }
    if (b.has("remoteTraceTarget")) {
      String t = string(b.get("remoteTraceTarget"), "remoteTraceTarget", "");
      n.remoteTraceTarget(t.length() == 10 ? t : null);
    }
    if (b.has("remoteTraceLevel")) {
      n.remoteTraceLevel(uint(b.get("remoteTraceLevel"), "remoteTraceLevel", 0, 255));
    }
    if (b.has("v4AssignMode")) {
      JsonNode v = b.get("v4AssignMode");
      if (v.isTextual()) {
        n.v4AssignZt("zt".equals(v.textValue()));
      } else if (v.isObject()) {
        n.v4AssignZt(bool(v.get("zt"), "v4AssignMode.zt", false));
      } else {
        n.v4AssignZt(false);
      }
    }
    if (b.has("v6AssignMode")) {
      applyV6AssignMode(n, b.get("v6AssignMode"));
    }
    if (b.has("routes")) {
      n.routes(routes(b.get("routes")));
    }
    if (b.has("ipAssignmentPools")) {
      n.ipAssignmentPools(pools(b.get("ipAssignmentPools")));
    }
    if (b.has("rules")) {
      n.rules(rules(b.get("rules"), "rules"));
    }
    if (b.has("authTokens")) {
      JsonNode t = b.get("authTokens");
      Map<String, Long> tokens = new LinkedHashMap<>();
      if (t.isObject()) {
        var it = t.fields();
        while (it.hasNext()) {
          var e = it.next();
          tokens.put(e.getKey(), uint(e.getValue(), "authTokens." + e.getKey(), 0, Long.MAX_VALUE));
        }
      }
      n.authTokens(tokens);
    }
    if (b.has("capabilities")) {
      JsonNode caps = array(b.get("capabilities"), "capabilities");
      Map<Long, CapabilityDef> byId = new TreeMap<>();
      for (int i = 0; i < caps.size(); i++) {
        JsonNode c = caps.get(i);
        String f = "capabilities[" + i + "]";
        if (!c.isObject()) {
          throw new InvalidRequestException(f + ": a capability must be an object");
        }
        long id = uint(c.get("id"), f + ".id", 0, 0xffffffffL);
        List<Rule> r = c.has("rules") ? rules(c.get("rules"), f + ".rules") : List.of();
        byId.put(id, new CapabilityDef(id, bool(c.get("default"), f + ".default", false), r));
      }
      n.capabilities(new ArrayList<>(byId.values()));
    }
    if (b.has("tags")) {
      JsonNode tags = array(b.get("tags"), "tags");
      Map<Long, TagDef> byId = new TreeMap<>();
      for (int i = 0; i < tags.size(); i++) {
        JsonNode t = tags.get(i);
        String f = "tags[" + i + "]";
        if (!t.isObject()) {
          throw new InvalidRequestException(f + ": a tag must be an object");
        }
        long id = uint(t.get("id"), f + ".id", 0, 0xffffffffL);
        JsonNode d = t.get("default");
        Long dflt = d == null || d.isNull() ? null : uint(d, f + ".default", 0, 0xffffffffL);
        byId.put(id, new TagDef(id, dflt));
      }
      n.tags(new ArrayList<>(byId.values()));
    }
    if (b.has("dns")) {
      JsonNode d = b.get("dns");
      if (d.isObject()) {
        List<IpAddress> servers = new ArrayList<>();
        if (d.has("servers")) {
          JsonNode s = array(d.get("servers"), "dns.servers");
          for (int i = 0; i < s.size(); i++) {
            servers.add(ip(s.get(i), "dns.servers[" + i + "]").withPort(0));
          }
        }
        n.dns(new Dns(string(d.get("domain"), "dns.domain", ""), servers));
      } else if (!d.isNull() && !(d.isArray() && d.isEmpty())) {
        throw new InvalidRequestException("dns: expected an object {\"domain\":…,\"servers\":[…]}");
      } else {
        n.dns(null);
      }
    }
  }

  /**
   * Applies a member POST body to {@code m} at time {@code now} (a copy the caller will store if
   * this returns). Authorizing stamps {@code lastAuthorizedTime} and credential type
   * {@code "api"}; deauthorizing stamps {@code lastDeauthorizedTime}.
   */
  public static void applyToMember(Member m, JsonNode b, long now) throws InvalidRequestException {
    requireObject(b);
    if (b.has("activeBridge")) {
      m.activeBridge(bool(b.get("activeBridge"), "activeBridge", false));
    }
    if (b.has("noAutoAssignIps")) {
      m.noAutoAssignIps(bool(b.get("noAutoAssignIps"), "noAutoAssignIps", false));
    }
    if (b.has("authenticationExpiryTime")) {
      m.authenticationExpiresAt(uint(b.get("authenticationExpiryTime"), "authenticationExpiryTime", 0, Long.MAX_VALUE));
    }
    if (b.has("name")) {
      m.name(string(b.get("name"), "name", ""));
    }
    if (b.has("remoteTraceTarget")) {
      String t = string(b.get("remoteTraceTarget"), "remoteTraceTarget", "");
      m.remoteTraceTarget(t.length() == 10 ? t : null);
    }
    if (b.has("remoteTraceLevel")) {
      m.remoteTraceLevel(uint(b.get("remoteTraceLevel"), "remoteTraceLevel", 0, 255));
    }
    if (b.has("authorized")) {
      boolean auth = bool(b.get("authorized"), "authorized", false);
      if (auth != m.authorized()) {
        m.authorized(auth);
        if (auth) {
          m.lastAuthorizedAt(now);
          m.lastAuthorizedCredentialType("api");
          m.lastAuthorizedCredential(null);
        } else {
          m.lastDeauthorizedAt(now);
        }
      }
    }
    if (b.has("ipAssignments")) {
      JsonNode a = array(b.get("ipAssignments"), "ipAssignments");
      List<IpAddress> ips = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        ips.add(ip(a.get(i), "ipAssignments[" + i + "]").withPort(0));
      }
      m.ipAssignments(ips);
    }
    if (b.has("tags")) {
      JsonNode a = array(b.get("tags"), "tags");
      Map<Long, Long> tags = new TreeMap<>();
      for (int i = 0; i < a.size(); i++) {
        JsonNode t = a.get(i);
        String f = "tags[" + i + "]";
        if (!t.isArray() || t.size() != 2) {
          throw new InvalidRequestException(f + ": a member tag is a [id, value] pair");
        }
        tags.put(uint(t.get(0), f + "[0]", 0, 0xffffffffL), uint(t.get(1), f + "[1]", 0, 0xffffffffL));
      }
      List<MemberTag> out = new ArrayList<>();
      tags.forEach((id, v) -> out.add(new MemberTag(id, v)));
      m.tags(out);
    }
    if (b.has("capabilities")) {
      JsonNode a = array(b.get("capabilities"), "capabilities");
      TreeSet<Long> caps = new TreeSet<>();
      for (int i = 0; i < a.size(); i++) {
        caps.add(uint(a.get(i), "capabilities[" + i + "]", 0, 0xffffffffL));
      }
      m.capabilities(new ArrayList<>(caps));
    }
  }

  private static void applyV6AssignMode(Network n, JsonNode v) throws InvalidRequestException {
    boolean zt = false;
    boolean rfc = false;
    boolean plane = false;
    if (v.isTextual()) {
      for (String s : v.textValue().split(",")) {
        switch (s.strip()) {
          case "zt" -> zt = true;
          case "rfc4193" -> rfc = true;
          case "6plane" -> plane = true;
          default -> { }
        }
      }
    } else if (v.isObject()) {
      // As ZeroTier: the posted object replaces the old one, so a key left out reads as false.
      zt = bool(v.get("zt"), "v6AssignMode.zt", false);
      rfc = bool(v.get("rfc4193"), "v6AssignMode.rfc4193", false);
      plane = bool(v.get("6plane"), "v6AssignMode.6plane", false);
    }
    n.v6AssignZt(zt).v6AssignRfc4193(rfc).v6Assign6plane(plane);
  }

  private static List<Route> routes(JsonNode v) throws InvalidRequestException {
    JsonNode a = array(v, "routes");
    List<Route> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode r = a.get(i);
      String f = "routes[" + i + "]";
      if (!r.isObject()) {
        throw new InvalidRequestException(f + ": a route must be an object {\"target\":…,\"via\":…}");
      }
      IpAddress target = ip(r.get("target"), f + ".target");
      if (!target.prefixValid()) {
        throw new InvalidRequestException(f + ".target: prefix length too long: " + target);
      }
      JsonNode viaNode = r.get("via");
      IpAddress via = null;
      if (viaNode != null && !viaNode.isNull()) {
        via = ip(viaNode, f + ".via");
        if (via.isV4() != target.isV4()) {
          throw new InvalidRequestException(f + ".via: not of the target's address family");
        }
      }
      out.add(new Route(target, via));
    }
    return out;
  }

  private static List<IpPool> pools(JsonNode v) throws InvalidRequestException {
    JsonNode a = array(v, "ipAssignmentPools");
    List<IpPool> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode p = a.get(i);
      String f = "ipAssignmentPools[" + i + "]";
      if (!p.isObject() || !p.has("ipRangeStart") || !p.has("ipRangeEnd")) {
        throw new InvalidRequestException(f + ": a pool is {\"ipRangeStart\":…,\"ipRangeEnd\":…}");
      }
      IpAddress s = ip(p.get("ipRangeStart"), f + ".ipRangeStart").withPort(0);
      IpAddress e = ip(p.get("ipRangeEnd"), f + ".ipRangeEnd").withPort(0);
      if (s.isV4() != e.isV4()) {
        throw new InvalidRequestException(f + ": start and end of different address families");
      }
      if (s.compareTo(e) > 0) {
        throw new InvalidRequestException(f + ": ipRangeStart is after ipRangeEnd");
      }
      out.add(new IpPool(s, e));
    }
    return out;
  }

  private static List<Rule> rules(JsonNode v, String field) throws InvalidRequestException {
    JsonNode a = array(v, field);
    List<Rule> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(RuleJson.parse(a.get(i), field + "[" + i + "]"));
    }
    return out;
  }

  private static IpAddress ip(JsonNode v, String field) throws InvalidRequestException {
    String s = string(v, field, null);
    if (s == null) {
      throw new InvalidRequestException(field + ": missing IP address");
    }
    return IpAddress.parse(s).orElseThrow(() -> new InvalidRequestException(field + ": not an IP address: " + s));
  }

  private static JsonNode array(JsonNode v, String field) throws InvalidRequestException {
    if (v == null || !v.isArray()) {
      throw new InvalidRequestException(field + ": expected an array");
    }
    if (v.size() > MAX_ARRAY) {
      throw new InvalidRequestException(field + ": more than " + MAX_ARRAY + " entries");
    }
    return v;
  }

  private static void requireObject(JsonNode b) throws InvalidRequestException {
    if (b == null || !b.isObject()) {
      throw new InvalidRequestException("the request body must be a JSON object");
    }
  }
}

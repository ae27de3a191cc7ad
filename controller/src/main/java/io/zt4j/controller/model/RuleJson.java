package io.zt4j.controller.model;

import static io.zt4j.controller.model.JsonValues.address;
import static io.zt4j.controller.model.JsonValues.bool;
import static io.zt4j.controller.model.JsonValues.hex64;
import static io.zt4j.controller.model.JsonValues.string;
import static io.zt4j.controller.model.JsonValues.uint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zt4j.controller.net.IpAddress;
import io.zt4j.node.vl2.Rule;
import io.zt4j.node.vl2.RuleType;
import java.util.Locale;

/**
 * Flow rules in ZeroTier's controller JSON ({@code {"type":"MATCH_ETHERTYPE","not":true,
 * "or":false,"etherType":2048}}) to and from {@link Rule}.
 *
 * <p>The names, fields and defaults are ZeroTier's; rendering a parsed rule gives what ZeroTier's
 * controller stores (actions carry no {@code not}/{@code or}; addresses as 10 hex digits; IP
 * matches as {@code ip/bits}). Unknown rule types and unreadable values are refused instead of
 * being dropped silently.
 */
public final class RuleJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private RuleJson() {}

  /** Parses one rule; {@code field} names it in error messages (e.g. {@code rules[2]}). */
  public static Rule parse(JsonNode r, String field) throws InvalidRequestException {
    if (r == null || !r.isObject()) {
      throw new InvalidRequestException(field + ": a rule must be an object");
    }
    String t = string(r.get("type"), field + ".type", "");
    boolean not = bool(r.get("not"), field + ".not", false);
    boolean or = bool(r.get("or"), field + ".or", false);
    String f = field + ".";
    switch (t) {
      case "ACTION_DROP":
        return Rule.action(RuleType.ACTION_DROP, not, or);
      case "ACTION_ACCEPT":
        return Rule.action(RuleType.ACTION_ACCEPT, not, or);
      case "ACTION_BREAK":
        return Rule.action(RuleType.ACTION_BREAK, not, or);
      case "ACTION_TEE":
      case "ACTION_WATCH":
      case "ACTION_REDIRECT": {
        RuleType type = RuleType.valueOf(t);
        long addr = address(r.get("address"), f + "address");
        long flags = uint(r.get("flags"), f + "flags", 0, 0xffffffffL);
        int len = type == RuleType.ACTION_REDIRECT ? 0 : (int) uint(r.get("length"), f + "length", 0, 0xffff);
        return Rule.forward(type, not, or, addr, flags, len);
      }
      case "MATCH_SOURCE_ZEROTIER_ADDRESS":
      case "MATCH_DEST_ZEROTIER_ADDRESS":
        return Rule.ztAddress(RuleType.valueOf(t), not, or, address(r.get("zt"), f + "zt"));
      case "MATCH_VLAN_ID":
        return Rule.scalar(RuleType.MATCH_VLAN_ID, not, or, uint(r.get("vlanId"), f + "vlanId", 0, 0xffff));
      case "MATCH_VLAN_PCP":
        return Rule.scalar(RuleType.MATCH_VLAN_PCP, not, or, uint(r.get("vlanPcp"), f + "vlanPcp", 0, 0xff));
      case "MATCH_VLAN_DEI":
        return Rule.scalar(RuleType.MATCH_VLAN_DEI, not, or, uint(r.get("vlanDei"), f + "vlanDei", 0, 0xff));
      case "MATCH_MAC_SOURCE":
      case "MATCH_MAC_DEST":
        return Rule.mac(RuleType.valueOf(t), not, or, mac(r.get("mac"), f + "mac"));
      case "MATCH_IPV4_SOURCE":
      case "MATCH_IPV4_DEST":
      case "MATCH_IPV6_SOURCE":
      case "MATCH_IPV6_DEST": {
        RuleType type = RuleType.valueOf(t);
        boolean v4 = type == RuleType.MATCH_IPV4_SOURCE || type == RuleType.MATCH_IPV4_DEST;
        String text = string(r.get("ip"), f + "ip", v4 ? "0.0.0.0" : "::0");
        IpAddress ip = IpAddress.parse(text).filter(a -> a.isV4() == v4).orElseThrow(
            () -> new InvalidRequestException(f + "ip: not an IPv" + (v4 ? "4" : "6") + " address: " + text));
        int bits = Math.min(ip.port() & 0xff, v4 ? 32 : 128);
        return Rule.ip(type, not, or, ip.bytes(), bits);
      }
      case "MATCH_IP_TOS":
        return Rule.ipTos(not, or, (int) uint(r.get("mask"), f + "mask", 0, 0xff),
            (int) uint(r.get("start"), f + "start", 0, 0xff), (int) uint(r.get("end"), f + "end", 0, 0xff));
      case "MATCH_IP_PROTOCOL":
        return Rule.scalar(RuleType.MATCH_IP_PROTOCOL, not, or, uint(r.get("ipProtocol"), f + "ipProtocol", 0, 0xff));
      case "MATCH_ETHERTYPE":
        return Rule.scalar(RuleType.MATCH_ETHERTYPE, not, or, uint(r.get("etherType"), f + "etherType", 0, 0xffff));
      case "MATCH_ICMP": {
        int type = (int) uint(r.get("icmpType"), f + "icmpType", 0, 0xff);
        JsonNode code = r.get("icmpCode");
        int c = code == null || code.isNull() ? -1 : (int) uint(code, f + "icmpCode", 0, 0xff);
        return Rule.icmp(not, or, type, c);
      }
      case "MATCH_IP_SOURCE_PORT_RANGE":
      case "MATCH_IP_DEST_PORT_RANGE":
      case "MATCH_FRAME_SIZE_RANGE": {
        int start = (int) uint(r.get("start"), f + "start", 0, 0xffff);
        int end = (int) uint(r.get("end"), f + "end", start, 0xffff);
        return Rule.range(RuleType.valueOf(t), not, or, start, end);
      }
      case "MATCH_CHARACTERISTICS":
        return Rule.scalar(RuleType.MATCH_CHARACTERISTICS, not, or, hex64(r.get("mask"), f + "mask", 0));
      case "MATCH_RANDOM":
        return Rule.scalar(RuleType.MATCH_RANDOM, not, or,
            uint(r.get("probability"), f + "probability", 0, 0xffffffffL));
      case "MATCH_TAGS_DIFFERENCE":
      case "MATCH_TAGS_BITWISE_AND":
      case "MATCH_TAGS_BITWISE_OR":
      case "MATCH_TAGS_BITWISE_XOR":
      case "MATCH_TAGS_EQUAL":
      case "MATCH_TAG_SENDER":
      case "MATCH_TAG_RECEIVER":
        return Rule.tag(RuleType.valueOf(t), not, or, uint(r.get("id"), f + "id", 0, 0xffffffffL),
            uint(r.get("value"), f + "value", 0, 0xffffffffL));
      case "INTEGER_RANGE": {
        long start = hex64(r.get("start"), f + "start", 0);
        long end = hex64(r.get("end"), f + "end", 0);
        if (Long.compareUnsigned(end, start) < 0 || end - start > 0xffffffffL) {
          throw new InvalidRequestException(f + "end: must be start..start+2^32-1");
        }
        int idx = (int) uint(r.get("idx"), f + "idx", 0, 0xffff);
        int bits = (int) uint(r.get("bits"), f + "bits", 1, 64);
        if (bits < 1) {
          throw new InvalidRequestException(f + "bits: must be 1..64");
        }
        int format = (bool(r.get("little"), f + "little", false) ? 0x80 : 0) | ((bits - 1) & 63);
        return Rule.integerRange(not, or, start, end, idx, format);
      }
      default:
        throw new InvalidRequestException(field + ".type: unknown rule type \"" + t + "\"");
    }
  }

  /** Renders a rule as ZeroTier's controller stores it; {@code null} for a type it cannot show. */
  public static ObjectNode render(Rule rule) {
    RuleType t = rule.type();
    if (t == null || t == RuleType.ACTION_PRIORITY) {
      return null;
    }
    ObjectNode r = F.objectNode();
    switch (t) {
      case ACTION_DROP, ACTION_ACCEPT, ACTION_BREAK -> r.put("type", t.name());
      case ACTION_TEE, ACTION_WATCH -> {
        r.put("type", t.name());
        r.put("address", Ids.address(rule.uint(0, 8)));
        r.put("flags", rule.uint(8, 4));
        r.put("length", rule.uint(12, 2));
      }
      case ACTION_REDIRECT -> {
        r.put("type", t.name());
        r.put("address", Ids.address(rule.uint(0, 8)));
        r.put("flags", rule.uint(8, 4));
      }
      default -> {
        r.put("type", t == RuleType.MATCH_INTEGER_RANGE ? "INTEGER_RANGE" : t.name());
        renderMatchValue(rule, t, r);
        r.put("not", rule.not());
        r.put("or", rule.or());
      }
    }
    return r;
  }

  private static void renderMatchValue(Rule rule, RuleType t, ObjectNode r) {
    switch (t) {
      case MATCH_SOURCE_ZEROTIER_ADDRESS, MATCH_DEST_ZEROTIER_ADDRESS ->
          r.put("zt", Ids.address(rule.uint(0, 5)));
      case MATCH_VLAN_ID -> r.put("vlanId", rule.uint(0, 2));
      case MATCH_VLAN_PCP -> r.put("vlanPcp", rule.uint(0, 1));
      case MATCH_VLAN_DEI -> r.put("vlanDei", rule.uint(0, 1));
      case MATCH_MAC_SOURCE, MATCH_MAC_DEST -> {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
          sb.append(i == 0 ? "" : ":").append(String.format(Locale.ROOT, "%02x", rule.uint(i, 1)));
        }
        r.put("mac", sb.toString());
      }
      case MATCH_IPV4_SOURCE, MATCH_IPV4_DEST ->
          r.put("ip", IpAddress.of(rule.bytes(0, 4), (int) rule.uint(4, 1)).toString());
      case MATCH_IPV6_SOURCE, MATCH_IPV6_DEST ->
          r.put("ip", IpAddress.of(rule.bytes(0, 16), (int) rule.uint(16, 1)).toString());
      case MATCH_IP_TOS -> {
        r.put("mask", rule.uint(0, 1));
        r.put("start", rule.uint(1, 1));
        r.put("end", rule.uint(2, 1));
      }
      case MATCH_IP_PROTOCOL -> r.put("ipProtocol", rule.uint(0, 1));
      case MATCH_ETHERTYPE -> r.put("etherType", rule.uint(0, 2));
      case MATCH_ICMP -> {
        r.put("icmpType", rule.uint(0, 1));
        if ((rule.uint(2, 1) & 0x01) != 0) {
          r.put("icmpCode", rule.uint(1, 1));
        } else {
          r.putNull("icmpCode");
        }
      }
      case MATCH_IP_SOURCE_PORT_RANGE, MATCH_IP_DEST_PORT_RANGE, MATCH_FRAME_SIZE_RANGE -> {
        r.put("start", rule.uint(0, 2));
        r.put("end", rule.uint(2, 2));
      }
      case MATCH_CHARACTERISTICS -> r.put("mask", String.format(Locale.ROOT, "%016x", rule.uint(0, 8)));
      case MATCH_RANDOM -> r.put("probability", rule.uint(0, 4));
      case MATCH_INTEGER_RANGE -> {
        r.put("start", String.format(Locale.ROOT, "%016x", rule.uint(0, 8)));
        r.put("end", String.format(Locale.ROOT, "%016x", rule.uint(8, 8)));
        r.put("idx", rule.uint(16, 2));
        long format = rule.uint(18, 1);
        r.put("little", (format & 0x80) != 0);
        r.put("bits", (format & 63) + 1);
      }
      default -> {
        // the tag matches
        r.put("id", rule.uint(0, 4));
        r.put("value", rule.uint(4, 4));
      }
    }
  }

  private static long mac(JsonNode v, String field) throws InvalidRequestException {
    String s = string(v, field, "0").replace(":", "").replace("-", "");
    if (s.length() != 12 || !Ids.isHex(s)) {
      throw new InvalidRequestException(field + ": expected a MAC address like 01:23:45:67:89:ab, got " + v);
    }
    return Long.parseLong(s, 16);
  }
}

package io.zt4j.node.vl2;

import io.zt4j.node.wire.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Networks that need no controller: their config follows from the network id alone, as
 * ZeroTier's {@code Network::requestConfiguration} builds it.
 *
 * <pre>
 *  ff SSSS EEEE 000000   ad-hoc network for ports SSSS..EEEE (hex): public, IPv6 only (6PLANE
 *                        address), rules: drop all but IPv6; accept ICMPv6; accept UDP/TCP to a
 *                        destination port in the range; accept TCP without SYN, and SYN+ACK;
 *                        drop the rest. Name "adhoc-SSSS-EEEE". End &lt; start: NOT_FOUND.
 *  ff AA hhhhhhhhhh 01   public network with IPv4 AA.x.y.z/8 (x.y.z = our address's low 24
 *                        bits) and a 6PLANE address, accept-all rules, multicast limit 1024,
 *                        hub hhhhhhhhhh (0 = none) as a specialist. Name "adhoc-AA.0.0.0".
 * </pre>
 *
 * Any other id starting with {@code ff} gets no config.
 */
public final class AdHocNetwork {
  private AdHocNetwork() {}

  /** True for any network id that starts with {@code ff} (no controller is ever asked). */
  public static boolean isControllerless(long networkId) {
    return (networkId >>> 56) == 0xff;
  }

  /** True for {@code ff SSSS EEEE 000000}. */
  public static boolean isPortRangeNetwork(long networkId) {
    return isControllerless(networkId) && (networkId & 0xFFFFFF) == 0;
  }

  /** The id of the ad-hoc network for ports {@code start..end}. */
  public static long portRangeNetworkId(int start, int end) {
    if (start < 0 || start > 0xFFFF || end < 0 || end > 0xFFFF) {
      throw new IllegalArgumentException("ports are 16-bit");
    }
    return 0xffL << 56 | (long) start << 40 | (long) end << 24;
  }

  /**
   * The config ZeroTier builds for a controllerless network, issued to {@code self} at
   * {@code now}; empty for an id that has none. {@link #isNotFound} tells the NOT_FOUND case.
   */
  public static Optional<NetworkConfig> config(long networkId, long self, long now) {
    if (!isControllerless(networkId)) {
      return Optional.empty();
    }
    NetworkConfig.Builder b = NetworkConfig.builder().networkId(networkId).timestamp(now)
        .credentialTimeMaxDelta(NetworkConfig.MAX_CREDENTIAL_TIME_MAX_DELTA).revision(1).issuedTo(self)
        .flags(NetworkConfig.FLAG_ENABLE_IPV6_NDP_EMULATION).mtu(NetworkConfig.DEFAULT_MTU)
        .type(NetworkConfig.TYPE_PUBLIC);
    if ((networkId & 0xFFFFFF) == 0) {
      int start = (int) ((networkId >>> 40) & 0xFFFF);
      int end = (int) ((networkId >>> 24) & 0xFFFF);
      if (end < start) {
        return Optional.empty();
      }
      return Optional.of(b.multicastLimit(0)
          .staticIps(List.of(ManagedAddresses.sixPlane(networkId, self)))
          .rules(rules(start, end))
          .name(String.format("adhoc-%04x-%04x", start, end))
          .build());
    }
    if ((networkId & 0xFF) == 0x01) {
      long hub = (networkId >>> 8) & 0xFF_FFFF_FFFFL;
      int a = (int) ((networkId >>> 48) & 0xFF);
      byte[] v4 = {(byte) a, (byte) (self >>> 16), (byte) (self >>> 8), (byte) self};
      if (hub != 0) {
        b.specialists(List.of(hub));
      }
      return Optional.of(b.multicastLimit(1024)
          .staticIps(List.of(ManagedAddresses.sixPlane(networkId, self), InetAddress.of(v4, 8)))
          .rules(List.of(Rule.action(RuleType.ACTION_ACCEPT)))
          .name("adhoc-" + a + ".0.0.0")
          .build());
    }
    return Optional.empty();
  }

  /** True for a port-range id whose end port is below its start port (ZeroTier: NOT_FOUND). */
  public static boolean isNotFound(long networkId) {
    return isPortRangeNetwork(networkId)
        && ((networkId >>> 24) & 0xFFFF) < ((networkId >>> 40) & 0xFFFF);
  }

  /** The rules of the port-range ad-hoc network. */
  public static List<Rule> rules(int start, int end) {
    return List.of(
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, RulesEngine.ETHERTYPE_IPV6),
        Rule.action(RuleType.ACTION_DROP),
        Rule.scalar(RuleType.MATCH_IP_PROTOCOL, false, false, 0x3a),
        Rule.action(RuleType.ACTION_ACCEPT),
        Rule.scalar(RuleType.MATCH_IP_PROTOCOL, false, false, 0x11),
        Rule.scalar(RuleType.MATCH_IP_PROTOCOL, false, true, 0x06),
        Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, false, false, start, end),
        Rule.action(RuleType.ACTION_ACCEPT),
        Rule.scalar(RuleType.MATCH_CHARACTERISTICS, true, false, RulesEngine.CHARACTERISTICS_TCP_SYN),
        Rule.action(RuleType.ACTION_ACCEPT),
        Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false, RulesEngine.CHARACTERISTICS_TCP_SYN),
        Rule.scalar(RuleType.MATCH_CHARACTERISTICS, false, false, RulesEngine.CHARACTERISTICS_TCP_ACK),
        Rule.action(RuleType.ACTION_ACCEPT),
        Rule.action(RuleType.ACTION_DROP));
  }
}

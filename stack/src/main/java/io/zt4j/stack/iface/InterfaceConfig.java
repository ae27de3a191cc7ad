package io.zt4j.stack.iface;

import io.zt4j.stack.wire.IpPrefix;
import io.zt4j.stack.wire.MacAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of one interface (one joined virtual network): its MAC, its IP MTU, addresses
 * with prefix lengths (each implies an on-link route for its prefix), extra routes, and whether
 * to add the IPv6 link-local address derived from the MAC (RFC 4291 §2.5.1, modified EUI-64).
 * Immutable; the {@code with…} methods return changed copies.
 */
public record InterfaceConfig(long mac, int mtu, List<IpPrefix> addresses, List<Route> routes, boolean ipv6LinkLocal) {
  /** ZeroTier virtual networks default to an MTU of 2800. */
  public static final int DEFAULT_MTU = 2800;
  /** IPv4 needs 68 (RFC 791); we refuse anything smaller than that. */
  public static final int MIN_MTU = 68;
  public static final int MAX_MTU = 65535 - 14;

  public InterfaceConfig {
    if (!MacAddress.isUnicast(mac)) {
      throw new IllegalArgumentException("interface MAC must be unicast: " + MacAddress.toString(mac));
    }
    if (mtu < MIN_MTU || mtu > MAX_MTU) {
      throw new IllegalArgumentException("MTU out of range: " + mtu);
    }
    addresses = List.copyOf(addresses);
    routes = List.copyOf(routes);
  }

  public static InterfaceConfig of(long mac) {
    return new InterfaceConfig(mac, DEFAULT_MTU, List.of(), List.of(), true);
  }

  public InterfaceConfig withMtu(int m) {
    return new InterfaceConfig(mac, m, addresses, routes, ipv6LinkLocal);
  }

  public InterfaceConfig withAddress(IpPrefix a) {
    List<IpPrefix> l = new ArrayList<>(addresses);
    l.add(a);
    return new InterfaceConfig(mac, mtu, l, routes, ipv6LinkLocal);
  }

  /** {@code "10.147.17.5/24"} or {@code "fd00::5/64"}. */
  public InterfaceConfig withAddress(String prefix) {
    return withAddress(IpPrefix.parse(prefix));
  }

  public InterfaceConfig withRoute(Route r) {
    List<Route> l = new ArrayList<>(routes);
    l.add(r);
    return new InterfaceConfig(mac, mtu, addresses, l, ipv6LinkLocal);
  }

  public InterfaceConfig withIpv6LinkLocal(boolean on) {
    return new InterfaceConfig(mac, mtu, addresses, routes, on);
  }
}

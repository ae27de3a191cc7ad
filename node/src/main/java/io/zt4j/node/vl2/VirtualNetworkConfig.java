package io.zt4j.node.vl2;

import io.zt4j.node.vl2.NetworkConfig.Dns;
import io.zt4j.node.vl2.NetworkConfig.Route;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.MulticastGroup;
import java.util.List;

/**
 * What a virtual tap needs to know about a joined network ({@code ZT_VirtualNetworkConfig}): the
 * tap's MAC, MTU, managed addresses, routes, DNS, status and multicast subscriptions. Handed to
 * the host with each {@link NetworkOperation}. An immutable snapshot; safe to pass to other
 * threads.
 *
 * @param networkId the network
 * @param mac our MAC on it (derived from our address and the network id)
 * @param name the network's name ("" until configured)
 * @param status see {@link NetworkStatus}
 * @param isPrivate private (COM-gated) or public network
 * @param mtu the network's MTU (2800 until configured)
 * @param bridge whether we may bridge (we are an active bridge)
 * @param broadcastEnabled whether ff:ff:ff:ff:ff:ff works
 * @param revision the config revision (0 until configured)
 * @param assignedAddresses managed addresses; each address's port is its prefix length
 * @param routes managed routes (target port = prefix length; via nil = on-link)
 * @param multicastSubscriptions the groups this node announces
 * @param dns DNS settings
 * @param sso SSO settings (version, URLs…)
 */
public record VirtualNetworkConfig(long networkId, MAC mac, String name, NetworkStatus status, boolean isPrivate,
    int mtu, boolean bridge, boolean broadcastEnabled, long revision, List<InetAddress> assignedAddresses,
    List<Route> routes, List<MulticastGroup> multicastSubscriptions, Dns dns, NetworkConfig.Sso sso) {

  public VirtualNetworkConfig {
    assignedAddresses = List.copyOf(assignedAddresses);
    routes = List.copyOf(routes);
    multicastSubscriptions = List.copyOf(multicastSubscriptions);
  }

  /** The managed IPv4 addresses (port = prefix length). */
  public List<InetAddress> ipv4Addresses() {
    return assignedAddresses.stream().filter(InetAddress::isV4).toList();
  }

  /** The managed IPv6 addresses (port = prefix length). */
  public List<InetAddress> ipv6Addresses() {
    return assignedAddresses.stream().filter(InetAddress::isV6).toList();
  }

  /** The network id as ZeroTier writes it: 16 lowercase hex digits. */
  public String networkIdString() {
    return String.format("%016x", networkId);
  }
}

package io.zt4j.sockets;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one network a {@link ZeroTierNode} joined: its status, our MAC and addresses on
 * it, its routes. Immutable; {@link ZeroTierNode#network} returns a fresh one.
 *
 * @param networkId the network ID (16 hex digits: the controller's 10-digit address, then 6)
 * @param name the network's name ("" until configured)
 * @param status where joining stands
 * @param mac our Ethernet MAC on the network, as {@code 12:34:56:78:9a:bc}
 * @param mtu the network's MTU
 * @param isPrivate a private network (members need authorization) rather than a public one
 * @param broadcastEnabled whether Ethernet broadcast (and so IPv4 broadcast) works
 * @param addresses our managed addresses, in this order: controller-assigned IPv4, IPv6, RFC 4193, 6PLANE
 * @param routes the routes the controller pushes
 * @param ready config received, an address assigned and the virtual tap up
 */
public record ZeroTierNetwork(long networkId, String name, Status status, String mac, int mtu, boolean isPrivate,
    boolean broadcastEnabled, List<AssignedAddress> addresses, List<Route> routes, boolean ready) {

  /** Compact constructor: copies the lists. */
  public ZeroTierNetwork {
    addresses = List.copyOf(addresses);
    routes = List.copyOf(routes);
  }

  /** Where joining a network stands (ZeroTier's network status, as {@code zerotier-cli listnetworks} prints it). */
  public enum Status {
    /** Waiting for the controller's config. */
    REQUESTING_CONFIGURATION,
    /** Configured: we are a member. */
    OK,
    /** The controller refused us: the network is private and has not authorized this node. */
    ACCESS_DENIED,
    /** The controller does not have this network. */
    NOT_FOUND,
    /** The local network port could not be set up. */
    PORT_ERROR,
    /** The node is too old for the network. */
    CLIENT_TOO_OLD,
    /** The controller asks for single sign-on first. */
    AUTHENTICATION_REQUIRED
  }

  /** How an address came to be assigned. */
  public enum AddressKind {
    /** IPv4 from the controller's pool (or a static assignment). */
    IPV4,
    /** IPv6 from the controller's pool (or a static assignment). */
    IPV6,
    /** ZeroTier's RFC 4193 address ({@code fd}, network ID, {@code 9993}, node ID). */
    RFC4193,
    /** ZeroTier's 6PLANE address ({@code fc}, folded network ID, node ID; a /80 per node). */
    SIXPLANE
  }

  /**
   * One of our addresses on the network.
   *
   * @param address the IP address
   * @param prefixLength the length of the network's prefix (e.g. 24 for a /24)
   * @param kind how it was assigned
   */
  public record AssignedAddress(InetAddress address, int prefixLength, AddressKind kind) {
    /** The address as {@code ip/prefix}. */
    @Override
    public String toString() {
      return address.getHostAddress() + "/" + prefixLength;
    }
  }

  /**
   * A route the network's controller pushes.
   *
   * @param target the destination prefix's address
   * @param prefixLength the destination prefix's length
   * @param via the gateway, or null for a route on the network itself
   * @param metric the route's metric
   */
  public record Route(InetAddress target, int prefixLength, InetAddress via, int metric) {
    /** The route as {@code target/prefix [via gw]}. */
    @Override
    public String toString() {
      return target.getHostAddress() + "/" + prefixLength + (via == null ? "" : " via " + via.getHostAddress());
    }
  }

  /** The network ID as ZeroTier writes it: 16 lowercase hex digits. */
  public String networkIdString() {
    return String.format("%016x", networkId);
  }

  /** Our first IPv4 address on the network, if any. */
  public Optional<Inet4Address> ipv4() {
    return addresses.stream().filter(a -> a.address() instanceof Inet4Address)
        .map(a -> (Inet4Address) a.address()).findFirst();
  }

  /** Our first IPv6 address of the given kind ({@code IPV6}, {@code RFC4193} or {@code SIXPLANE}), if any. */
  public Optional<Inet6Address> ipv6(AddressKind kind) {
    return addresses.stream().filter(a -> a.kind() == kind && a.address() instanceof Inet6Address)
        .map(a -> (Inet6Address) a.address()).findFirst();
  }

  /** The network as a user reads it: its ID in hex (as ZeroTier writes it), not as a signed long. */
  @Override
  public String toString() {
    return "ZeroTierNetwork[" + networkIdString() + " \"" + name + "\" " + status + (ready ? " ready" : "")
        + (isPrivate ? " private" : " public") + " mac=" + mac + " mtu=" + mtu
        + (broadcastEnabled ? "" : " no-broadcast") + " addresses=" + addresses + " routes=" + routes + "]";
  }

  /** Our RFC 4193 address, if the network assigns them. */
  public Optional<Inet6Address> rfc4193() {
    return ipv6(AddressKind.RFC4193);
  }

  /** Our 6PLANE address, if the network assigns them. */
  public Optional<Inet6Address> sixPlane() {
    return ipv6(AddressKind.SIXPLANE);
  }
}
